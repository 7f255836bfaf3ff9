"""The Typer app: one module per command group. Commands only parse, call one
core function, and render the model it returns."""
