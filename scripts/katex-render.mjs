// Renders TeX to HTML with KaTeX for the build (llmqa/math.py): one JSON request per line on
// stdin, {"tex": "...", "display": bool}, one JSON answer per line on stdout, {"html"} or {"error"}.
// Rendering at build time means no math JavaScript on the pages and nothing from a CDN.
import { createInterface } from "node:readline";
import katex from "katex";

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const { tex, display } = JSON.parse(line);
    answer = { html: katex.renderToString(tex, { displayMode: !!display, throwOnError: true, trust: false, strict: "ignore", output: "htmlAndMathml" }) };
  } catch (error) {
    answer = { error: String(error && error.message ? error.message : error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
