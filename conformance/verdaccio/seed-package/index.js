module.exports = "golive conformance seed";
