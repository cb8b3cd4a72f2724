A database that cannot be used is one line naming DATABASE_URL and what failed,
with its password hidden, and exit 1: never a traceback.

  $ adr init >/dev/null && git add -A && git commit -qm "Start"
  $ export DATABASE_URL=postgres://ada:s3cret@127.0.0.1:1/adrsite
  $ adr migrate
  adr: DATABASE_URL: cannot connect to postgres://ada:…@127.0.0.1:1/adrsite: connection refused
  [1]
  $ adr index
  adr: DATABASE_URL: cannot connect to postgres://ada:…@127.0.0.1:1/adrsite: connection refused
  [1]
  $ adr export
  adr: DATABASE_URL: cannot connect to postgres://ada:…@127.0.0.1:1/adrsite: connection refused
  [1]
  $ adr serve
  adr: DATABASE_URL: cannot connect to postgres://ada:…@127.0.0.1:1/adrsite: connection refused
  [1]
  $ adr repo list
  adr: DATABASE_URL: cannot connect to postgres://ada:…@127.0.0.1:1/adrsite: connection refused
  [1]
  $ DATABASE_URL=sqlite:////proc/nope/db.sqlite3 adr migrate
  adr: DATABASE_URL: cannot connect to sqlite:////proc/nope/db.sqlite3: unable to open database file
  [1]
  $ DATABASE_URL=sqlite:////proc/nope/db.sqlite3 adr index
  adr: DATABASE_URL: cannot connect to sqlite:////proc/nope/db.sqlite3: unable to open database file
  [1]
  $ DATABASE_URL=mysql://ada:s3cret@127.0.0.1/adrsite adr migrate
  adr: DATABASE_URL: cannot connect to mysql://ada:…@127.0.0.1/adrsite: Error loading MySQLdb module. Did you install mysqlclient?
  [1]
  $ DATABASE_URL='postgres://ada@127.0.0.1:1/adrsite?sslpassword=s3cret' adr export
  adr: DATABASE_URL: cannot connect to postgres://ada@127.0.0.1:1/adrsite?sslpassword=…: connection refused
  [1]

`adr serve` refuses a host or port it cannot use before it migrates or indexes
anything.

  $ unset DATABASE_URL
  $ adr serve --port abc
  usage: adr serve [-h] [--dir DIR] [--host HOST] [--port PORT] [--name NAME]
  adr serve: error: argument --port: 'abc' is not a port number (1 to 65535)
  [2]
  $ adr serve --port 0
  usage: adr serve [-h] [--dir DIR] [--host HOST] [--port PORT] [--name NAME]
  adr serve: error: argument --port: '0' is not a port number (1 to 65535)
  [2]
  $ adr serve --port 70000
  usage: adr serve [-h] [--dir DIR] [--host HOST] [--port PORT] [--name NAME]
  adr serve: error: argument --port: '70000' is not a port number (1 to 65535)
  [2]
  $ adr serve --host 'not a host'
  usage: adr serve [-h] [--dir DIR] [--host HOST] [--port PORT] [--name NAME]
  adr serve: error: argument --host: 'not a host' is not an IP address or a host name
  [2]
  $ adr serve --host 192.0.2.1 --port 8123
  adr: cannot serve on 192.0.2.1:8123: cannot assign requested address
  [1]
  $ python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM sqlite_master").fetchone()[0], "tables")' "$XDG_DATA_HOME"/adrsite/adrsite.sqlite3
  0 tables
