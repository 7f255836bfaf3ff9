const express = require("express");
const auth = require("./routes/auth");
const notes = require("./routes/notes");

const app = express();
const PORT = process.env.PORT || 3000;

app.use(express.json());

app.get("/", (req, res) => {
  res.json({ name: "notes-express-pg", docs: "see README.md" });
});

app.use("/auth", auth);
app.use("/notes", notes);

app.listen(PORT, () => {
  console.log(`notes API listening on http://localhost:${PORT}`);
});
