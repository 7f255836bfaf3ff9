// Applies every migrations/*.sql file in name order. No bookkeeping table:
// it relies on IF NOT EXISTS, which is why it is safe to re-run by hand.
const fs = require("fs");
const path = require("path");
const db = require("./db");

async function main() {
  const dir = path.join(__dirname, "migrations");
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
    console.log(`applying ${file}`);
    await db.query(fs.readFileSync(path.join(dir, file), "utf8"));
  }
  await db.pool.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
