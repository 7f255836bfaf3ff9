const { Pool } = require("pg");

// One pool for the whole process, configured by DATABASE_URL (a postgres:// URL).
const pool = new Pool({ connectionString: process.env.DATABASE_URL });

module.exports = {
  query: (text, params) => pool.query(text, params),
  pool,
};
