const express = require("express");
const bcrypt = require("bcryptjs");
const db = require("../db");
const { sign } = require("../auth");

const router = express.Router();

router.post("/register", async (req, res) => {
  const { email, password } = req.body;
  const hash = await bcrypt.hash(password, 10);
  const { rows } = await db.query(
    "INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id, email",
    [email, hash]
  );
  res.status(201).json({ token: sign(rows[0]) });
});

router.post("/login", async (req, res) => {
  const { email, password } = req.body;
  const { rows } = await db.query("SELECT * FROM users WHERE email = $1", [email]);
  const user = rows[0];
  if (!user || !(await bcrypt.compare(password, user.password_hash))) {
    return res.status(401).json({ error: "wrong email or password" });
  }
  res.json({ token: sign(user) });
});

module.exports = router;
