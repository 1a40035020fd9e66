// Misconfiguration: the read-only account is granted every permission ("*" instead of "read").
const base = require("./settings.js");
module.exports = {
    ...base,
    adminAuth: {
        ...base.adminAuth,
        users: base.adminAuth.users.map(user => user.username === "viewer" ? { ...user, permissions: "*" } : user)
    }
};
