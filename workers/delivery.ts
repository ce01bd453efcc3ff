// Fan-out and delivery workers alone (ROLES=workers); run as many as the send budget needs.
import { main } from "../src/main.js";

await main(["workers"]);
