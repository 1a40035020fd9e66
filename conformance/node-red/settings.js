/**
 * Node-RED settings for the conformance tier: Node-RED's own defaults plus what any real
 * deployment sets, an admin login (adminAuth) and a loopback-only listener.
 *
 * The tier starts it as `node-red --settings settings.js --port PORT --userDir DIR`: the port and
 * the data directory (under the git-ignored .conformance/) come from the command line. Each
 * misconfiguration is a settings-*.js beside this one that loads it and changes one setting.
 *
 * The two accounts are throwaway local ones; their passwords are in node-red.env. The hashes were
 * made with Node-RED's own `node-red admin hash-pw` (bcryptjs, cost 8).
 */
module.exports = {
    uiHost: "127.0.0.1",
    flowFile: "flows.json",
    adminAuth: {
        type: "credentials",
        users: [
            {   // nr-admin-Qv7pT2wLx9
                username: "admin",
                password: "$2b$08$yh8zPbBsWHnv1UZEjhIWx.qhH9oqF/K4gNmk7Zq7eLHO/I3Ba8Wlq",
                permissions: "*"
            },
            {   // nr-viewer-Hc4mZ8rNs3
                username: "viewer",
                password: "$2b$08$RDFW.beXXCqHf1Ia5oJ61OsQrLoSWEMhfhdvCjw9gf8YDBxEVcwxy",
                permissions: "read"
            }
        ]
    },
    // no outbound calls from a machine without internet (update notifications)
    telemetry: { enabled: false },
    logging: { console: { level: "info", metrics: false, audit: true } },
    editorTheme: { projects: { enabled: false }, tours: false }
};
