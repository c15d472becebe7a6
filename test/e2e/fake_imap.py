#!/usr/bin/env python3
"""A scripted IMAPS server (one folder, INBOX) for the protocol quirks of
real servers that Dovecot does not show on its own; used by
test/e2e/imap_quirks.sh.

usage: fake_imap.py PORT CERT KEY MODE LOG MSGFILE...
MODE
  unsolicited  the first body fetch the server answers is preceded by an
               unsolicited flag update of another message
               ("* 1 FETCH (FLAGS (\\Seen \\Answered))"), as RFC 3501 allows
               at any time (another client changed the flags)
  plain        no quirk
Every command received is appended to LOG.
"""
import socket
import ssl
import sys
import threading

port, cert, key, mode, logpath = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
msgs = [open(f, 'rb').read().replace(b'\r\n', b'\n').replace(b'\n', b'\r\n') for f in sys.argv[6:]]
UIDV = 77
state = {'unsolicited_sent': False}
lock = threading.Lock()
log = open(logpath, 'a')


def serve(conn):
    f = conn.makefile('rwb')

    def w(s):
        f.write(s if isinstance(s, bytes) else s.encode())
        f.flush()
    w('* OK fake ready\r\n')
    while True:
        line = f.readline()
        if not line:
            return
        with lock:
            log.write(line.decode(errors='replace'))
            log.flush()
        parts = line.decode(errors='replace').rstrip('\r\n').split(' ', 2)
        tag = parts[0]
        cmd = parts[1].upper() if len(parts) > 1 else ''
        rest = parts[2] if len(parts) > 2 else ''
        if cmd == 'CAPABILITY':
            w('* CAPABILITY IMAP4rev1\r\n%s OK done\r\n' % tag)
        elif cmd == 'LOGIN':
            w('%s OK logged in\r\n' % tag)
        elif cmd in ('SELECT', 'EXAMINE'):
            w('* %d EXISTS\r\n* OK [UIDVALIDITY %d] ok\r\n* OK [UIDNEXT %d] ok\r\n%s OK [READ-WRITE] selected\r\n'
              % (len(msgs), UIDV, len(msgs) + 1, tag))
        elif cmd == 'STATUS':
            w('* STATUS "INBOX" (UIDVALIDITY %d UIDNEXT %d MESSAGES %d)\r\n%s OK done\r\n'
              % (UIDV, len(msgs) + 1, len(msgs), tag))
        elif cmd == 'UID' and rest.upper().startswith('FETCH') and 'BODY[]' in rest.upper():
            uid = int(rest.split()[1])
            with lock:
                quirk = mode == 'unsolicited' and not state['unsolicited_sent']
                state['unsolicited_sent'] = True
            if quirk:
                w('* 1 FETCH (FLAGS (\\Seen \\Answered))\r\n')
                with lock:
                    log.write('# sent: unsolicited FETCH before the body of UID %d\n' % uid)
                    log.flush()
            m = msgs[uid - 1]
            w(b'* %d FETCH (UID %d BODY[] {%d}\r\n' % (uid, uid, len(m)) + m + b' FLAGS (\\Seen))\r\n')
            w('%s OK fetched\r\n' % tag)
        elif cmd == 'UID' and rest.upper().startswith('FETCH'):
            a, _, b = rest.split()[1].partition(':')
            a, b = int(a), (len(msgs) if b in ('*', '') else int(b))
            for u in range(a, min(b, len(msgs)) + 1):
                w('* %d FETCH (UID %d RFC822.SIZE %d FLAGS ())\r\n' % (u, u, len(msgs[u - 1])))
            w('%s OK fetched\r\n' % tag)
        elif cmd == 'UID' and rest.upper().startswith('STORE'):
            w('%s OK stored\r\n' % tag)
        elif cmd == 'NOOP':
            w('%s OK noop\r\n' % tag)
        elif cmd == 'LOGOUT':
            w('* BYE bye\r\n%s OK bye\r\n' % tag)
            return
        else:
            w('%s BAD unknown command\r\n' % tag)


def handle(c):
    try:
        serve(c)
    except (OSError, ValueError):
        pass
    finally:
        c.close()


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', port))
s.listen(8)
while True:
    c, _ = s.accept()
    try:
        c = ctx.wrap_socket(c, server_side=True)
    except (OSError, ssl.SSLError):
        c.close()
        continue
    threading.Thread(target=handle, args=(c,), daemon=True).start()
