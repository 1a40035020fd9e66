// Misconfiguration: admin sessions (bearer tokens) last 90 days (adminAuth.sessionExpiryTime, seconds).
const base = require("./settings.js");
module.exports = { ...base, adminAuth: { ...base.adminAuth, sessionExpiryTime: 90 * 24 * 3600 } };
