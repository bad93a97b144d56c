#!/usr/bin/env node
// The `dsim` bin inside this repository's workspace, where the package exports its TypeScript
// source: it runs the CLI through tsx. The published package's bin is dist/cli.js instead.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
