"""HTTP edge: parse, call one service, render. No business rules here."""
