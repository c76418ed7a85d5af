#!/usr/bin/env node
// The `solvent` command. The project is TypeScript run through tsx, so the entry registers tsx's
// loader and hands over to the real CLI.
import { register } from "tsx/esm/api";

register();
await import("../scripts/cli.ts");
