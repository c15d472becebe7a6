"""Write one call per line of SQL for every function of the commhub schema:
all arguments NULL, then a plain value for each argument, then each argument
in turn replaced by a NULL, an empty or odd value.  Reads the functions
(oid|name|argument types|return type) on stdin; prints the SQL script."""
import sys

VALUES = {
    'text': ["''", "'x'", "NULL", "'T001'", "repeat('长', 3000)", "E'a\\nb'", "'UNMATCHED'"],
    'timestamp with time zone': ["now()", "NULL", "'infinity'", "'-infinity'", "'4714-11-24 00:00:00+00 BC'"],
    'jsonb': ["'{}'", "NULL", "'[]'", "'null'", "'1'", "'\"s\"'", "'[null]'", "'{\"a\": null}'", "'[{}]'",
              "'[1, [2]]'", "'{\"content\": 5, \"msgtime\": \"x\"}'"],
    'integer': ["0", "NULL", "(-1)", "2147483647", "(-2147483647)"],
    'bigint': ["0", "NULL", "(-1)", "9223372036854775807"],
    'text[]': ["'{}'", "NULL", "'{NULL}'", "ARRAY['x']", "ARRAY[NULL, 'x']"],
    'numeric': ["0", "NULL", "(-1)", "'NaN'", "1e300"],
    'boolean': ["true", "NULL", "false"],
    'interval': ["'0'", "NULL", "'-1 day'", "'1000000 years'"],
    'name': ["'x'", "NULL"],
    'double precision': ["0", "NULL", "'NaN'", "'-Infinity'", "1e308"],
    'bytea': ["''::bytea", "NULL", "'\\x00'::bytea", "convert_to(E'From: a@b\\r\\nSubject: =?GBK?B?xOO6ww==?=\\r\\n\\r\\nhi', 'UTF8')"],
}
SKIP = {'wake_workers_at_commit'}

n = 0
for line in sys.stdin:
    name, args, ret = line.rstrip('\n').split('|')
    if ret == 'trigger' or name in SKIP:
        continue
    types = [a for a in args.split(',') if a]
    if any(t not in VALUES for t in types):
        # a row type and the like: only NULL
        calls = [['NULL'] * len(types)]
    elif not types:
        calls = [[]]
    else:
        base = [VALUES[t][0] for t in types]
        calls = [['NULL'] * len(types), base]
        for i, t in enumerate(types):
            for v in VALUES[t][1:]:
                c = list(base)
                c[i] = v
                calls.append(c)
    seen = set()
    for c in calls:
        sql = 'SELECT commhub.%s(%s);' % (name, ', '.join('%s::%s' % (v, t) for v, t in zip(c, types)))
        if sql in seen:
            continue
        seen.add(sql)
        n += 1
        # one transaction per call, rolled back: nothing a call writes stays
        print("BEGIN; SET LOCAL statement_timeout = '5s'; SET LOCAL client_min_messages = error;")
        print(sql)
        print('ROLLBACK;')
sys.stderr.write('%d\n' % n)
