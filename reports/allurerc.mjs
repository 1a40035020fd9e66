// Allure Report 3 configuration for golive (npm package `allure`, pinned in package.json).
//
//   npx allure generate reports/allure-results --config reports/allurerc.mjs
//   npx allure quality-gate reports/allure-results --config reports/allurerc.mjs
//
// scripts/report runs both. Allure 3 rejects unknown top-level keys, so keep to the documented
// ones (name, output, resultsDir, variables, categories, qualityGate, plugins, ...).
//
// This file deliberately imports nothing from "allure": that package's main module *is* the
// CLI and runs it on import. A config is a plain object; defineConfig() is the identity.
//
// Paths are resolved from this file's location, not from the working directory, so the
// config behaves the same whichever directory allure is started from.

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Verdict -> report variables (shown on the overview page). Read once, when allure loads the
// config, i.e. after pytest has written reports/verdict.json. GOLIVE_VERDICT_JSON overrides the
// path (the selftests point it at their own files).
// ---------------------------------------------------------------------------------------------
const verdictPath = process.env.GOLIVE_VERDICT_JSON || resolve(here, "verdict.json");

const readVerdict = () => {
  if (!existsSync(verdictPath)) {
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(verdictPath, "utf8"));
  } catch (error) {
    // A broken verdict file must not hide the report; say so on the overview instead.
    return { decision: `UNKNOWN (unreadable verdict.json: ${error.message})` };
  }
};

const formatDuration = (seconds) => {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) {
    return undefined;
  }
  if (seconds < 60) {
    return `${seconds.toFixed(1)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
};

const verdict = readVerdict();
const variables = {};
if (verdict) {
  const reasons = Array.isArray(verdict.reasons) ? verdict.reasons : [];
  const entries = {
    Decision: verdict.decision ?? "UNKNOWN",
    Environment: verdict.env,
    Profile: verdict.profile,
    Started: verdict.started_at,
    Duration: formatDuration(verdict.duration_s),
    // The first reason fits on the overview; the decision result's description lists all.
    Reasons: reasons.length ? `${reasons.length}: ${String(reasons[0])}${reasons.length > 1 ? " …" : ""}` : undefined,
  };
  for (const [key, value] of Object.entries(entries)) {
    if (value !== undefined && value !== null && String(value).length > 0) {
      variables[key] = String(value);
    }
  }
} else {
  variables.Decision = "UNKNOWN (no reports/verdict.json)";
}

// ---------------------------------------------------------------------------------------------
// Quality gate: it must agree with golive's decision.
//
// How Allure 3.18 evaluates it (node_modules/@allurereport/core/dist/qualityGate/):
//   * every ruleset in `rules` is applied to the non-retry results that pass its `filter`;
//     `id` only prefixes the rule names in messages; `fastFail` only matters in realtime
//     evaluation (`allure run`) and would make a minTestsCount rule fail on the first batch,
//     so it is not used here.
//   * maxFailures counts statuses "failed" AND "broken" (core-api unsuccessfulStatuses);
//     "skipped" and "unknown" are not failures.
//   * minTestsCount counts every filtered result, whatever its status; with 0 matching
//     results it fails (0 < 1).
//   * results whose resolution is muted/accepted (known issues) are ignored entirely; a result
//     whose test case id (testCaseId / fullName) and parameters repeat an earlier one is a
//     retry and only the latest attempt counts.
//
// golive: NO-GO iff a critical check (not waived) failed, broke or is unverified (the plugin
// reports unverified critical checks as `broken`), or no critical check ran. Hence:
// ---------------------------------------------------------------------------------------------
const labelValues = (tr, name) => (tr.labels ?? []).filter((l) => l.name === name).map((l) => l.value);
const hasLabel = (tr, name, value) => labelValues(tr, name).includes(value);

const isDecision = (tr) => hasLabel(tr, "golive_kind", "decision");
const isCriticalCheck = (tr) => hasLabel(tr, "severity", "blocker") && !isDecision(tr);
const isWaived = (tr) => hasLabel(tr, "golive_status", "waived");
const ran = (tr) => tr.status === "passed" || tr.status === "failed" || tr.status === "broken";

const qualityGate = {
  rules: [
    {
      // Any critical check that failed, broke or stayed unverified, unless waived.
      id: "critical-checks",
      filter: (tr) => isCriticalCheck(tr) && !isWaived(tr),
      maxFailures: 0,
    },
    {
      // Zero critical checks run is NO-GO (not-applicable ones are `skipped` and do not count).
      id: "critical-checks-ran",
      filter: (tr) => isCriticalCheck(tr) && ran(tr),
      minTestsCount: 1,
    },
    {
      // golive's own decision (covers what only it knows: expired waivers, missing
      // attestations). Exactly one synthetic result; its absence means the plugin did not run.
      id: "golive-decision",
      filter: isDecision,
      minTestsCount: 1,
      maxFailures: 0,
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Categories: the first matching rule wins (core-api matchCategory). Allure appends its own
// "Product errors" (failed) and "Test errors" (broken) after these.
// ---------------------------------------------------------------------------------------------
const categories = [
  {
    // The synthetic decision result gets its own category, so that a NO-GO (its message lists
    // the reasons) is not filed under the words it happens to contain.
    name: "Go-live decision",
    matchers: { labels: { golive_kind: "^decision$" } },
    groupByMessage: false,
    expand: true,
  },
  {
    name: "Environment problems",
    matchers: {
      statuses: ["failed", "broken"],
      message: /unreachable|timed?[ -]?out|connection refused|name or service not known|ECONNREFUSED|ETIMEDOUT/i,
    },
    groupBy: ["severity"],
  },
  {
    // Unverified checks (broken for critical ones) and checks that could not be configured.
    // Only `broken` matches by message: a failed assertion such as "missing header
    // X-Frame-Options" is a product defect, not a configuration problem.
    name: "Configuration",
    matchers: [
      { labels: { golive_status: "^unverified$" } },
      { statuses: ["broken"], message: /unverified|needs|missing|not configured/i },
    ],
    groupBy: ["severity"],
  },
  {
    name: "Product defects",
    matchers: { statuses: ["failed"] },
    groupBy: ["severity", { label: "epic" }],
    expand: true,
  },
];

export default {
  name: verdict ? `golive: ${verdict.decision} (${verdict.env})` : "golive",
  output: resolve(here, "allure-report"),
  resultsDir: resolve(here, "allure-results"),
  variables,
  categories,
  qualityGate,
  plugins: {
    awesome: {
      options: {
        reportName: "golive",
        // One self-contained index.html: a multi-file report does not render from file://.
        singleFile: true,
        groupBy: ["epic", "feature", "story"],
      },
    },
  },
};
