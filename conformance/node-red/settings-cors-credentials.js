// Misconfiguration: the admin API allows every origin with credentials (httpAdminCors).
const base = require("./settings.js");
module.exports = { ...base, httpAdminCors: { origin: "*", credentials: true } };
