"""Analysis: indicators computed from the tables, and checks of the printed figures."""
