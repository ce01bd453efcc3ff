// The feeds role alone (ROLES=feeds): polls the categories' feeds and ingests new items. Any
// number of these processes may run; each feed is polled by one of them at a time.
import { main } from "../src/main.js";

await main(["feeds"]);
