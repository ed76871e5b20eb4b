"""The API's HTTP server stays bounded and answers everyone: body limits on every framing, header
caps, strict lengths, slow and idle clients that starve no one, memory that comes back, a prompt
SIGTERM. Raw sockets against the real `berth serve`; no containers."""
import json
import signal
import socket
import subprocess
import threading
import time


from harness import BerthTestCase, TARGET, sign_headers


def list_clusters_request(berth):
    """A keep-alive ListClusters request as bytes, signed with `berth`'s admin key (a signature
    stays good for 5 minutes, longer than any test here)."""
    head = sign_headers("POST", berth.endpoint + "/", b"{}",
                        {"Host": "berth", "X-Amz-Target": TARGET + "ListClusters",
                         "Content-Type": "application/x-amz-json-1.1"}, berth.key)
    return (b"POST / HTTP/1.1\r\n" + "".join("%s: %s\r\n" % item for item in head.items()).encode() +
            b"Content-Length: 2\r\n\r\n{}")


class ReplyReader:
    """Reads replies off one connection, keeping bytes that belong to the next (pipelined) one."""

    def __init__(self, sock):
        self.sock = sock
        self.data = b""

    def fill(self):
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        self.data += chunk
        return bool(chunk)

    def next(self):
        """Returns the next reply (skipping a 100 Continue) as (status, headers, body)."""
        while True:
            while b"\r\n\r\n" not in self.data:
                if not self.fill():
                    raise AssertionError("connection closed before a reply: %r" % self.data[:300])
            head, self.data = self.data.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            if status != 100:
                break
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.data) < length and self.fill():
            pass
        body, self.data = self.data[:length], self.data[length:]
        return status, headers, body


def read_response(sock):
    """Reads one reply from a connection that carries no other."""
    return ReplyReader(sock).next()


def send_in_background(sock, pieces):
    """Sends each piece of the iterable `pieces` from a thread, stopping at the first error (the
    server may close the connection once it has answered)."""
    def run():
        try:
            for piece in pieces:
                sock.sendall(piece)
        except OSError:
            pass
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def chunked_body(total, chunk=64 * 1024):
    """Yields the head and `total` bytes of a chunked ListClusters body, then the last chunk."""
    yield (b"POST / HTTP/1.1\r\nHost: berth\r\nX-Amz-Target: " + TARGET.encode() +
           b"ListClusters\r\nContent-Type: application/x-amz-json-1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
    frame = b"%x\r\n" % chunk + b" " * chunk + b"\r\n"
    for _ in range(total // chunk):
        yield frame
    yield b"0\r\n\r\n"


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s for %d" % (field, pid))


def rss_kib(pid):
    return status_kib(pid, "VmRSS")


class HttpLimitsTest(BerthTestCase):
    def setUp(self):
        super().setUp()
        self.list_clusters = list_clusters_request(self.berth)

    def connect(self, timeout=30, source="127.0.0.1"):
        """A connection from `source`: a 127.x.y.z address (loopback: counted only in the total
        connections) or one that remote_addresses added (a client of its own for the per-client
        limit)."""
        return socket.create_connection(("127.0.0.1", self.berth.port), timeout=timeout, source_address=(source, 0))

    def exchange(self, request_bytes):
        """Sends a whole request on a new connection; returns (status, headers, body)."""
        with self.connect() as s:
            sender = send_in_background(s, [request_bytes])
            reply = read_response(s)
        sender.join(timeout=30)
        return reply

    def assert_aws_error(self, reply, status, type_=None):
        code, headers, body = reply
        self.assertEqual(code, status, body[:300])
        error = json.loads(body)
        self.assertTrue(error["message"], error)
        self.assertEqual(headers.get("x-amzn-errortype"), error["__type"])
        if type_:
            self.assertEqual(error["__type"], type_)
        return error

    def chunked_attack(self, total):
        with self.connect() as s:
            sender = send_in_background(s, chunked_body(total))
            reply = read_response(s)
        sender.join(timeout=60)
        return reply

    def test_chunked_bodies_over_the_limit_are_413(self):
        for total in (2 << 20, 64 << 20):
            self.assert_aws_error(self.chunked_attack(total), 413, "RequestEntityTooLargeException")
        # A chunked body within the limit is read as usual.
        reply = self.exchange(self.list_clusters.replace(b"Content-Length: 2\r\n\r\n{}",
                                                         b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"))
        self.assertEqual(reply[0], 200, reply)
        self.assertIn("clusterArns", json.loads(reply[2]))

    def test_oversized_header_line_is_431_before_it_ends(self):
        # The line never ends: the reply proves the server stopped reading it at its limit.
        with self.connect() as s:
            sender = send_in_background(s, [b"POST / HTTP/1.1\r\nHost: berth\r\nX-Big: " + b"a" * (64 << 10)])
            self.assert_aws_error(read_response(s), 431)
        sender.join(timeout=30)

    def test_200000_headers_are_431_before_the_head_ends(self):
        def head():
            yield b"POST / HTTP/1.1\r\nHost: berth\r\n"
            for batch in range(200):
                yield b"".join(b"X-H%d: v\r\n" % (batch * 1000 + i) for i in range(1000))
        with self.connect() as s:
            sender = send_in_background(s, head())
            self.assert_aws_error(read_response(s), 431)
        sender.join(timeout=30)

    def test_duplicate_conflicting_or_non_numeric_lengths_are_400(self):
        start = (b"POST / HTTP/1.1\r\nHost: berth\r\nX-Amz-Target: " + TARGET.encode() +
                 b"ListClusters\r\nContent-Type: application/x-amz-json-1.1\r\n")
        cases = [
            b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
            b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{} ",
            b"Content-Length: 2, 2\r\n\r\n{}",
            b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            b"Content-Length: abc\r\n\r\n{}",
            b"Content-Length: +2\r\n\r\n{}",
            b"Content-Length: -1\r\n\r\n{}",
        ]
        for case in cases:
            with self.subTest(case=case):
                self.assert_aws_error(self.exchange(start + case), 400)

    def test_slow_and_idle_clients_do_not_starve_a_new_one(self):
        idle = [self.connect() for _ in range(8)]
        slow = []
        stop = threading.Event()
        try:
            for s in idle:  # one request each, then the connection stays open and idle
                s.sendall(self.list_clusters)
                self.assertEqual(read_response(s)[0], 200)
            for _ in range(16):  # each starts a request and then sends its head a byte at a time
                slow.append(self.connect())
                slow[-1].sendall(b"POST / HTTP/1.1\r\nHost: berth\r\n")

            def trickle():  # a header byte on each slow connection now and then
                while not stop.wait(1):
                    for s in slow:
                        try:
                            s.sendall(b"X")
                        except OSError:
                            pass
            trickler = threading.Thread(target=trickle, daemon=True)
            trickler.start()
            time.sleep(1)  # the slow heads are being read now
            client = self.berth.boto3(connect_timeout=30, read_timeout=30)
            self.assertIn("arn:aws:ecs:local:000000000000:cluster/default", client.list_clusters()["clusterArns"])
            status, _, body = self.exchange(self.list_clusters)
            self.assertEqual(status, 200, body)
        finally:
            stop.set()
            for s in slow + idle:
                s.close()

    def test_memory_comes_back_after_parallel_large_chunked_bodies(self):
        for _ in range(20):
            self.assertEqual(self.exchange(self.list_clusters)[0], 200)
        idle = rss_kib(self.berth.proc.pid)
        replies = [None] * 4

        def attack(i):
            replies[i] = self.chunked_attack(64 << 20)
        threads = [threading.Thread(target=attack, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        self.assertEqual(self.exchange(self.list_clusters)[0], 200)
        after = rss_kib(self.berth.proc.pid)
        print("\nRSS idle %d KiB, after 4 parallel 64 MiB chunked bodies %d KiB" % (idle, after))
        for reply in replies:
            self.assert_aws_error(reply, 413)
        self.assertLessEqual(after, idle + 16 * 1024)

    def test_heads_that_declare_large_bodies_hold_only_what_arrived(self):
        for _ in range(20):
            self.assertEqual(self.exchange(self.list_clusters)[0], 200)
        pid = self.berth.proc.pid
        idle_rss, idle_data = rss_kib(pid), status_kib(pid, "VmData")
        head = (b"POST / HTTP/1.1\r\nHost: berth\r\nX-Amz-Target: " + TARGET.encode() +
                b"ListClusters\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 1048576\r\n\r\n{ ")
        # 200 connections (from 4 client addresses, 50 each: under the per-client limit), each a head
        # declaring 1 MiB and a few body bytes: the declared size is no reason to hold a megabyte.
        held = [self.connect(source="127.0.0.%d" % (2 + i % 4)) for i in range(200)]
        try:
            for s in held:
                s.sendall(head)
            # Answered after the loop has read the heads sent before it.
            self.assertEqual(self.exchange(self.list_clusters)[0], 200)
            rss, data = rss_kib(pid), status_kib(pid, "VmData")
            print("\n200 heads declaring 1 MiB: VmRSS %d -> %d KiB, VmData %d -> %d KiB" % (idle_rss, rss, idle_data, data))
            # Generous: a few KiB per connection, far below the 200 MiB the declared sizes add up to.
            self.assertLessEqual(data, idle_data + 32 * 1024)
            self.assertLessEqual(rss, idle_rss + 32 * 1024)
            for s in held:  # nothing was refused: each connection is still reading its body
                s.setblocking(False)
                with self.assertRaises(BlockingIOError):
                    s.recv(100)
        finally:
            for s in held:
                s.close()

    def remote_addresses(self, *addresses):
        """Client addresses that are not loopback (127.x counts only in the total): TEST-NET-1
        addresses on lo for this test, so the per-client limit sees a remote client."""
        for address in addresses:
            subprocess.run(["ip", "addr", "add", address + "/32", "dev", "lo"], check=True)
            self.addCleanup(subprocess.run, ["ip", "addr", "del", address + "/32", "dev", "lo"], check=False)

    def test_more_than_64_connections_from_one_client_address_are_503(self):
        self.remote_addresses("198.51.100.64", "198.51.100.65")
        mine = [self.connect(source="198.51.100.64") for _ in range(64)]
        try:
            for s in mine:  # each is accepted and served, then stays open
                s.sendall(self.list_clusters)
                self.assertEqual(read_response(s)[0], 200)
            with self.connect(source="198.51.100.64") as extra:
                self.assert_aws_error(read_response(extra), 503, "ServerException")
            # Another client address is still served.
            with self.connect(source="198.51.100.65") as other:
                other.sendall(self.list_clusters)
                self.assertEqual(read_response(other)[0], 200)
        finally:
            for s in mine:
                s.close()

    def test_loopback_clients_count_only_in_the_total(self):
        # This host's own processes (tools, joined agents under test) are not a remote client.
        mine = [self.connect() for _ in range(70)]
        try:
            for s in mine:
                s.sendall(self.list_clusters)
                self.assertEqual(read_response(s)[0], 200)
        finally:
            for s in mine:
                s.close()

    def test_sigterm_answers_a_request_in_flight(self):
        idle = self.connect(timeout=10)
        idle.sendall(self.list_clusters)
        self.assertEqual(read_response(idle)[0], 200)
        in_flight = self.connect(timeout=10)
        in_flight.sendall(self.list_clusters[:-1])  # the head and half the body: the request is under way
        self.assertEqual(self.exchange(self.list_clusters)[0], 200)  # by now the half request has been read
        # The idle connection closing shows the server is stopping; the request under way is not cut.
        self.berth.proc.send_signal(signal.SIGTERM)
        self.assertEqual(idle.recv(100), b"")
        idle.close()
        in_flight.sendall(self.list_clusters[-1:])
        status, headers, body = read_response(in_flight)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("connection"), "close")
        self.assertIn("clusterArns", json.loads(body))
        in_flight.close()
        self.assertEqual(self.berth.proc.wait(timeout=10), 0)

    def test_sigterm_with_idle_keep_alive_connections_exits_promptly(self):
        idle = [self.connect(timeout=4) for _ in range(8)]
        for s in idle:
            s.sendall(self.list_clusters)
            self.assertEqual(read_response(s)[0], 200)
        self.berth.proc.send_signal(signal.SIGTERM)
        # The idle connections are closed at once, not after a keep-alive timeout.
        for s in idle:
            self.assertEqual(s.recv(100), b"")
            s.close()
        self.assertEqual(self.berth.proc.wait(timeout=4), 0)
        self.assertIn("stopped", self.berth.log())

    def test_range_on_a_post_is_ignored(self):
        request = self.list_clusters.replace(b"Host: berth\r\n", b"Host: berth\r\nRange: bytes=0-10\r\n")
        status, headers, body = self.exchange(request)
        self.assertEqual(status, 200, body)
        self.assertIn("arn:aws:ecs:local:000000000000:cluster/default", json.loads(body)["clusterArns"])

    def test_keep_alive_pipelining_http10_and_100_continue(self):
        with self.connect() as s:  # two pipelined requests on one connection, both answered
            s.sendall(self.list_clusters + self.list_clusters)
            replies = ReplyReader(s)
            self.assertEqual(replies.next()[0], 200)
            self.assertEqual(replies.next()[0], 200)
        with self.connect() as s:  # HTTP/1.0: answered, then closed
            s.sendall(self.list_clusters.replace(b"HTTP/1.1", b"HTTP/1.0"))
            self.assertEqual(read_response(s)[0], 200)
            self.assertEqual(s.recv(100), b"")
        with self.connect() as s:  # the body is sent only after the 100 Continue
            head, body = self.list_clusters.split(b"\r\n\r\n")
            s.sendall(head + b"\r\nExpect: 100-continue\r\n\r\n")
            self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n"))
            s.sendall(body)
            self.assertEqual(read_response(s)[0], 200)


if __name__ == "__main__":
    import unittest
    unittest.main()
