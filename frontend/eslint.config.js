import { readdirSync } from "node:fs";

import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import { importX } from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// The architecture (frontend/README.md, "How it is built") as lint errors, so a
// reviewer does not have to catch it: app → features → shared, one way only.
const features = readdirSync(new URL("./src/features", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const boundaries = [
  // A feature never imports another feature: what two features share moves to
  // src/components or src/lib.
  ...features.map((name) => ({
    target: `./src/features/${name}`,
    from: "./src/features",
    except: [`./${name}`],
    message: "Features never import each other: move what they share to src/components or src/lib.",
  })),
  { target: "./src/features", from: "./src/app", message: "Features never import the app: the app composes features." },
  {
    target: ["./src/components", "./src/lib"],
    from: ["./src/features", "./src/app"],
    message: "Shared code never imports a feature or the app.",
  },
];

export default tseslint.config(
  { ignores: ["dist", "test-results", "playwright-report", "src/types/api.d.ts"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { files: ["*.{js,ts}", "scripts/**", "e2e/**"], languageOptions: { globals: globals.node } },
  // Playwright fixtures that use no other fixture are written `async ({}, use) => …`.
  { files: ["e2e/**"], rules: { "no-empty-pattern": "off" } },
  { files: ["src/**"], languageOptions: { globals: globals.browser } },
  {
    files: ["src/**/*.{ts,tsx}"],
    plugins: { "import-x": importX, "react-hooks": reactHooks },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
    },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      "import-x/no-restricted-paths": ["error", { zones: boundaries }],
      "import-x/no-cycle": "error",
      // `@/` imports only: a relative path would hide which layer it reaches into.
      "no-restricted-imports": ["error", { patterns: [{ group: ["../*"], message: "Import with the `@/` alias." }] }],
      // No barrel files: every import names the module that defines what it imports.
      "no-restricted-syntax": [
        "error",
        { selector: "ExportAllDeclaration", message: "No barrel files: import from the defining module." },
        { selector: "ExportNamedDeclaration[source]", message: "No barrel files: import from the defining module." },
      ],
    },
  },
  {
    files: ["src/**/index.{ts,tsx}"],
    rules: {
      "no-restricted-syntax": ["error", { selector: "Program", message: "No barrel files (index.ts): name the module." }],
    },
  },
);
