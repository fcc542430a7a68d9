"""Clients for ws-slow-consumers.bench.ts: raw TCP sockets with a 4 KiB receive
buffer (Node cannot set SO_RCVBUF) that do the WebSocket upgrade, subscribe to
every channel and never read again. Prints one JSON report when stdin closes."""
import base64, json, os, socket, sys

port = int(os.environ['PORT'])
keys = json.loads(os.environ['KEYS'])
channels = json.loads(os.environ['CHANNELS'])
count = int(os.environ['CLIENTS'])


def text_frame(payload: bytes) -> bytes:
    mask = os.urandom(4)
    n = len(payload)
    header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, 'big'))
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


report = {'opened': 0, 'refused': {}}
held = []
subscribe = text_frame(json.dumps({'op': 'subscribe', 'channels': channels}).encode())
for i in range(count):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(('127.0.0.1', port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(
        f'GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
        f'Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {keys[i % len(keys)]}\r\n\r\n'.encode()
    )
    head = b''
    while b'\r\n' not in head:
        chunk = s.recv(256)
        if not chunk:
            break
        head += chunk
    status = head.split(b' ', 2)[1].decode() if b' ' in head else 'none'
    if status == '101':
        report['opened'] += 1
        s.sendall(subscribe)
        held.append(s)  # never read from again
    else:
        report['refused'][status] = report['refused'].get(status, 0) + 1
        s.close()

print('ready', flush=True)
sys.stdin.read()
print(json.dumps(report), flush=True)
