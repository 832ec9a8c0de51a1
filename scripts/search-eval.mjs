// Runs queries through docs/assets/javascripts/search-worker.js in Node against a built site's
// index files: the ranking the browser gives, in seconds instead of minutes. Used while tuning;
// tests/test_search_queries.py measures the same in Chromium.
//   node scripts/search-eval.mjs SITE_LANGUAGE_ROOT < queries.json   ([query, ...] -> [[location, ...], ...])
//   node scripts/search-eval.mjs SITE_LANGUAGE_ROOT --words < queries.json   (-> [[word, ...], ...])
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const worker = require(new URL("../docs/assets/javascripts/search-worker.js", import.meta.url).pathname);
globalThis.fetch = async (url) => {
  const path = fileURLToPath(url);
  return { ok: true, json: async () => JSON.parse(readFileSync(path, "utf8")) };
};
const queries = JSON.parse(readFileSync(0, "utf8"));
const results = [];
let pending = null;
worker.connect(pathToFileURL(process.argv[2].replace(/\/?$/, "/") + "search/kb/").href, (message) => pending && pending(message));
const next = () => new Promise((resolve) => { pending = resolve; });
let message = next();
worker.handle({ type: 0, data: { config: {}, docs: [] } });
await message;
for (const query of queries) {
  if (process.argv[3] === "--words") {
    results.push(await worker.words(query));
    continue;
  }
  message = next();
  worker.handle({ type: 2, data: query });
  const result = await message;
  // a group's page, as Material shows it: its page entry, or else its last item (without the anchor)
  results.push(result.data.items.slice(0, 5).map((group) => (group.find((item) => !item.location.includes("#")) ?? group[group.length - 1]).location.split("#")[0]));
}
console.log(JSON.stringify(results));
