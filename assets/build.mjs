// Builds the front-end into static/vendor/ (git-ignored): our Sass on top of GOV.UK Frontend,
// plus GOV.UK Frontend's and htmx's scripts, copied from node_modules. Run by `make assets`.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "vendor");
const modules = join(root, "node_modules");

mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });

const result = sass.compile(join(root, "static", "scss", "site.scss"), {
  loadPaths: [modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "css", "site.css"), result.css);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "js/govuk-frontend.min.js"],
  ["htmx.org/dist/htmx.min.js", "js/htmx.min.js"],
];
for (const [from, to] of copies) {
  copyFileSync(join(modules, from), join(out, to));
}
console.log(`Built ${out}: css/site.css (${result.css.length} bytes), ${copies.length} scripts.`);
