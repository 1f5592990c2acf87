"""The server-rendered pages: residents, grid workers, community staff and administrators."""
