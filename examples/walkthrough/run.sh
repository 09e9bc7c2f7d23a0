#!/bin/bash
# Runs docs/walkthrough.md's commands as written (after `make demo`); terminals 1-3 become background
# jobs. Uses ports 8765 and 8000 on 127.0.0.1 and /tmp/cb-walk.
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export PATH="$ROOT/.venv/bin:$PATH"
ts() { date -u +%T.%N | cut -c1-12; }
cd "$ROOT"
rm -rf /tmp/cb-walk
echo "[$(ts)] step 0"
mkdir -p /tmp/cb-walk && cp -r examples/walkthrough /tmp/cb-walk/site && cd /tmp/cb-walk
echo "[$(ts)] step 1"
(cd /tmp/cb-walk/site && nice -n 10 python -m http.server --bind 127.0.0.1 8765) > /tmp/cb-walk/http.log 2>&1 &
HTTP=$!
sleep 1
curl -sI http://127.0.0.1:8765/feed.xml
echo "[$(ts)] step 2a"
nice -n 10 crossbrief ingest http://127.0.0.1:8765/feed.xml --db walk.db; echo "rc=$?"
echo "[$(ts)] step 2b"
nice -n 10 crossbrief ingest http://127.0.0.1:8765/feed.xml --db walk.db --allow-private; echo "rc=$?"
echo "[$(ts)] step 2c"
crossbrief stories-list --db walk.db
crossbrief feeds list --db walk.db
echo "[$(ts)] step 3 watch start"
nice -n 10 crossbrief watch --db walk.db --allow-private --every 10s > watch.out 2>&1 &
WATCH=$!
sleep 15
echo "[$(ts)] step 3 edit"
cd /tmp/cb-walk/site
python -c "import pathlib as p; f = p.Path('feed.xml'); f.write_text(f.read_text().replace('  </channel>', p.Path('new-item.xml').read_text() + '  </channel>'))"
cd /tmp/cb-walk
sleep 25
echo "[$(ts)] step 3 stop"
kill -TERM $WATCH; wait $WATCH
echo "[$(ts)] step 3 stopped"
cat watch.out
crossbrief stories-list --db walk.db
echo "[$(ts)] step 4"
nice -n 10 crossbrief serve --db walk.db > serve.out 2>&1 &
SERVE=$!
for _ in $(seq 1 60); do curl -s -o /dev/null http://127.0.0.1:8000/ && break; sleep 0.5; done
echo "[$(ts)] step 4 curl"
curl -s http://127.0.0.1:8000/ | grep -o 'href="/stories/[^"]*"'
crossbrief stories-list --db walk.db | head -1 | cut -f1
STORY=$(crossbrief stories-list --db walk.db | head -1 | cut -f1)
curl -s http://127.0.0.1:8000/stories/$STORY | grep -o 'http://127.0.0.1:8765/articles/[a-z-]*\.html' | sort -u
curl -s http://127.0.0.1:8000/api/stories/$STORY | python -c "import json, sys; [print(a['outlet'], '|', a['title']) for a in json.load(sys.stdin)['articles']]"
echo "[$(ts)] step 4 done"
kill -TERM $SERVE; wait $SERVE
kill $HTTP; wait $HTTP
cat serve.out
echo ==== http.log; cat http.log
