// Misconfiguration: anonymous visitors get every admin permission (adminAuth.default), so the
// admin API answers without a token. Node-RED documents `default` for read-only anonymous access.
const base = require("./settings.js");
module.exports = { ...base, adminAuth: { ...base.adminAuth, default: { permissions: "*" } } };
