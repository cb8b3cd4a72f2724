`adr status N STATUS` changes the status and the date, and nothing else.

  $ adr init >/dev/null
  $ cat > adr/0002-use-postgresql.md <<'MD'
  > ---
  > # Chosen in the 2024 review.
  > status: proposed   # waiting for the DBA
  > date: 2024-01-05
  > deciders: [Ada]
  > ---
  > # Use PostgreSQL
  > 
  > Text   with  odd   spacing stays as it is.
  > MD
  $ adr status 2 accepted
  adr/0002-use-postgresql.md: proposed -> accepted
  $ cat adr/0002-use-postgresql.md
  ---
  # Chosen in the 2024 review.
  status: accepted   # waiting for the DBA
  date: 2026-11-21
  deciders: [Ada]
  ---
  # Use PostgreSQL
  
  Text   with  odd   spacing stays as it is.
  $ adr status 0002-use-postgresql.md Deprecated
  adr/0002-use-postgresql.md: accepted -> deprecated
  $ head -4 adr/0002-use-postgresql.md
  ---
  # Chosen in the 2024 review.
  status: deprecated   # waiting for the DBA
  date: 2026-11-21
  $ adr status 2 on-hold
  adr: unknown status 'on-hold' (choose proposed, accepted, rejected, deprecated, superseded)
  [1]
  $ adr status 7 accepted
  adr: no decision '7' (try 'adr list')
  [1]

A file with no date gets one; CRLF files stay CRLF.

  $ printf -- '---\r\nstatus: proposed\r\n---\r\n# Use Redis\r\n' > adr/0003-use-redis.md
  $ adr status 3 rejected
  adr/0003-use-redis.md: proposed -> rejected
  $ od -c adr/0003-use-redis.md | head -3
  0000000   -   -   -  \r  \n   s   t   a   t   u   s   :       r   e   j
  0000020   e   c   t   e   d  \r  \n   d   a   t   e   :       2   0   2
  0000040   6   -   1   1   -   2   1  \r  \n   -   -   -  \r  \n   #    

A file that cannot be read safely is not edited.

  $ printf -- '---\nstatus: proposed\n---\n# Caf\xe9\n' > adr/0004-latin1.md
  $ adr status 4 accepted
  adr: adr/0004-latin1.md:4: not valid UTF-8 (byte 0xe9); save the file as UTF-8 (file not changed)
  [1]
  $ adr list
      1  accepted    2026-11-21  Record architecture decisions
      2  deprecated  2026-11-21  Use PostgreSQL
      3  rejected    2026-11-21  Use Redis
      4  proposed    -           Caf�

An edit the file would not read back is refused, and nothing is written: here a
code block left open at the top hides all below it.

  $ printf -- '```\n# Use Kafka\n\n## Status\n\nProposed\n' > adr/0005-use-kafka.md
  $ cp adr/0005-use-kafka.md before.md
  $ adr status 5 accepted
  adr: adr/0005-use-kafka.md:2: cannot set the status to accepted: the edit would not be read back (it would be in a code block: is a ``` left open above?) (file not changed)
  [1]
  $ cmp before.md adr/0005-use-kafka.md && echo unchanged
  unchanged
