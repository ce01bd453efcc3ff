#!/usr/bin/env node
// `bulletin <command>` (the package's bin): the operator CLI, run through tsx like `npm run cli`.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
