#!/usr/bin/env python3
"""The simplest paste matcher, for bench/match.sh to compare plm with (issue 11 §5).

One plain search per line: the line's text as `q`, `type=track`, `limit` 1 or 10, and the first
result is the match (none: not_found). No parsing, no scoring, no URI or ISRC handling, no cache:
what a script written in five minutes would do. It gets a client-credentials token from the
accounts service (Basic auth with the client ID and secret, as plm does without an account), and
keeps to the rate limit only by waiting out a 429's Retry-After.

Usage:
    match_baseline.py --api URL --accounts URL --client-id ID --client-secret SECRET
                      [--limit 1|10] < lines > results.jsonl

Writes one JSON object per input line, in input order, in the shape score.py reads:
{"input": ..., "status": "matched"|"not_found"|"invalid", "uri": ... | null}; blank lines are
`invalid` without a call. On standard error, the last line is
`calls=N searches=N rate_limited=N wall_s=X`.

Python standard library only.
"""
import argparse
import base64
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def client_credentials_token(accounts, client_id, secret):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(
        accounts.rstrip("/") + "/api/token",
        data=b"grant_type=client_credentials",
        headers={"Authorization": "Basic " + basic,
                 "Content-Type": "application/x-www-form-urlencoded"},
        method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)["access_token"]


class Searcher:
    def __init__(self, api, token, limit):
        self.api = api.rstrip("/")
        self.token = token
        self.limit = limit
        self.calls = 0  # HTTP requests, repeats after a 429 included
        self.searches = 0  # lines searched
        self.rate_limited = 0

    def first_result(self, text):
        query = urllib.parse.urlencode({"q": text, "type": "track", "limit": self.limit})
        request = urllib.request.Request(f"{self.api}/search?{query}",
                                         headers={"Authorization": "Bearer " + self.token})
        self.searches += 1
        while True:
            self.calls += 1
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    items = json.load(answer).get("tracks", {}).get("items", [])
                    items = [item for item in items if item]
                    return items[0]["uri"] if items else None
            except urllib.error.HTTPError as error:
                if error.code == 429:
                    self.rate_limited += 1
                    time.sleep(float(error.headers.get("Retry-After", "1")))
                    continue
                if error.code == 400:  # a query the API refuses (empty after its parsing)
                    return None
                raise


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="Web API base, e.g. http://127.0.0.1:PORT/v1")
    parser.add_argument("--accounts", required=True, help="accounts service base")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--limit", type=int, choices=(1, 10), default=1)
    args = parser.parse_args()

    started = time.monotonic()
    searcher = Searcher(args.api,
                        client_credentials_token(args.accounts, args.client_id, args.client_secret),
                        args.limit)
    for raw in sys.stdin:
        line = raw.rstrip("\r\n")
        if not line.strip():
            result = {"input": line, "status": "invalid", "uri": None}
        else:
            uri = searcher.first_result(line)
            result = {"input": line, "status": "matched" if uri else "not_found", "uri": uri}
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    print(f"calls={searcher.calls} searches={searcher.searches} rate_limited={searcher.rate_limited} "
          f"wall_s={time.monotonic() - started:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
