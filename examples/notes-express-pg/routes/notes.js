const express = require("express");
const db = require("../db");
const { requireUser } = require("../auth");

const router = express.Router();
router.use(requireUser);

router.get("/", async (req, res) => {
  const { rows } = await db.query(
    "SELECT id, title, body, created_at FROM notes WHERE user_id = $1 ORDER BY created_at DESC",
    [req.user.sub]
  );
  res.json(rows);
});

router.post("/", async (req, res) => {
  const { title, body } = req.body;
  const { rows } = await db.query(
    "INSERT INTO notes (user_id, title, body) VALUES ($1, $2, $3) RETURNING *",
    [req.user.sub, title, body || ""]
  );
  res.status(201).json(rows[0]);
});

router.delete("/:id", async (req, res) => {
  await db.query("DELETE FROM notes WHERE id = $1 AND user_id = $2", [req.params.id, req.user.sub]);
  res.status(204).end();
});

module.exports = router;
