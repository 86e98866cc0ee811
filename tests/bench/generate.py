"""Generate large, realistic ansible-runner artifact folders for benchmarks.

The output imitates what ansible-runner 2.4 (ansible-core 2.19, ``awx_display`` callback)
writes, file for file and key for key::

    OUT_DIR/artifacts/<ident>/job_events/<counter>-<uuid>.json
    OUT_DIR/artifacts/<ident>/{stdout,stderr,rc,status,command}, fact_cache/
    OUT_DIR/project/site.yml, OUT_DIR/inventory/hosts   (the "playbook" the events describe)

Nothing is random unless it comes from ``random.Random(seed)``: the same arguments give the
same bytes. Usage::

    python tests/bench/generate.py /tmp/bench --events 100000 --strategy free --seed 1
    python tests/bench/generate.py /tmp/bench --hosts 1000 --tasks 100
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import os
import queue
import random
import shlex
import shutil
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Paths as seen inside an execution environment (private_data_dir mounted at /runner):
# they appear in task_path, error origins and copy sources, so the output does not
# depend on where OUT_DIR is.
PROJECT = "/runner/project"
PLAYBOOK = "site.yml"
PLAYBOOK_PATH = f"{PROJECT}/{PLAYBOOK}"
T0 = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC).timestamp()

# ansible colour codes (C.COLOR_*) as the default callback renders them
OK, CHANGED, SKIP, ERROR, UNREACH, DEBUG, WARN = (
    "0;32",
    "0;33",
    "0;36",
    "0;31",
    "1;31",
    "1;30",
    "1;35",
)

# record kinds (simulation output, sorted by time then emitted)
K_PLAY, K_WARNING, K_TASK, K_START, K_ITEM, K_RETRY, K_POLL, K_ASYNC_OK, K_FINAL, K_NOTIFY = range(
    10
)

# job outcomes
R_OK, R_FAILED, R_IGNORED, R_SKIPPED, R_UNREACHABLE = range(5)

_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def stringc(text: str, color: str) -> str:
    """ansible's stringc: colour every line, then the pty turns \\n into \\r\\n."""
    return "\r\n".join(f"\x1b[{color}m{line}\x1b[0m" for line in text.split("\n"))


def _lines(*parts: str) -> str:
    """Output of consecutive display() calls within one event."""
    return "\r\n".join(p for p in parts if p)


def banner(msg: str) -> str:
    return f"\r\n{msg} {'*' * max(3, 79 - len(msg))}"


_enc = json.encoder.encode_basestring_ascii
# same output as json.dumps() with its defaults (what runner uses), minus the cycle check
_dumps = json.JSONEncoder(check_circular=False).encode
_SECONDS: dict[int, str] = {}


def _stamp(t: float) -> tuple[str, int]:
    x = T0 + t
    sec = int(x)
    us = round((x - sec) * 1e6)
    if us >= 1_000_000:
        sec, us = sec + 1, us - 1_000_000
    p = _SECONDS.get(sec)
    if p is None:
        p = _SECONDS[sec] = datetime.fromtimestamp(sec, UTC).isoformat()[:-6]
    return p, us


def iso(t: float) -> str:
    """``datetime.isoformat()`` of an aware UTC time (``created``, ``start``, ``end``)."""
    p, us = _stamp(t)
    return f"{p}.{us:06d}+00:00" if us else f"{p}+00:00"


def local_ts(t: float) -> str:
    """``str(datetime.now())`` as modules print it (start/end inside ``res``)."""
    p, us = _stamp(t)
    p = p.replace("T", " ")
    return f"{p}.{us:06d}" if us else p


def dump_result(res: dict[str, Any], indent: int | None = None) -> str:
    """The default callback's ``_dump_results`` at verbosity 0."""
    clean = {
        k: v
        for k, v in res.items()
        if not k.startswith("_ansible") and k not in ("invocation", "exception", "diff")
    }
    return json.dumps(clean, sort_keys=True, indent=indent, ensure_ascii=False)


# --------------------------------------------------------------------------------------
# Content pools: realistic text for module output
# --------------------------------------------------------------------------------------

SERVICES = [
    "nginx",
    "haproxy",
    "postgresql",
    "redis",
    "chrony",
    "node_exporter",
    "filebeat",
    "sshd",
    "rsyslog",
    "memcached",
    "docker",
    "containerd",
    "app-api",
    "app-worker",
    "prometheus",
    "grafana",
]
PACKAGES = [
    "curl",
    "jq",
    "htop",
    "git",
    "unzip",
    "python3-pip",
    "ca-certificates",
    "openssl",
    "rsync",
    "tcpdump",
    "vim",
    "logrotate",
    "acl",
    "gnupg",
    "lsof",
    "sysstat",
    "nfs-common",
    "iptables",
    "auditd",
    "apparmor-utils",
]
DIRS = [
    "/etc/app",
    "/var/lib/app",
    "/var/log/app",
    "/opt/app/releases",
    "/opt/app/shared",
    "/etc/ssl/private/app",
    "/srv/backups",
    "/var/cache/app",
    "/etc/nginx/conf.d",
    "/etc/systemd/system/app-api.service.d",
]
USERS = ["deploy", "backup", "monitoring", "app", "ci-runner", "audit"]
GROUPS = [("web", 0.40), ("app", 0.25), ("db", 0.15), ("cache", 0.10), ("lb", 0.10)]

LOG_LINES = [
    "Reading package lists...",
    "Building dependency tree...",
    "Reading state information...",
    "0 upgraded, 0 newly installed, 0 to remove and 12 not upgraded.",
    "Get:1 http://archive.ubuntu.com/ubuntu noble-updates/main amd64 libssl3t64 amd64 "
    "3.0.13-0ubuntu3.5 [1940 kB]",
    "Selecting previously unselected package jq.",
    "(Reading database ... 74512 files and directories currently installed.)",
    "Preparing to unpack .../jq_1.7.1-3build1_amd64.deb ...",
    "Unpacking jq (1.7.1-3build1) ...",
    "Setting up libonig5:amd64 (6.9.9-1build1) ...",
    "Processing triggers for man-db (2.12.0-4build2) ...",
    "Processing triggers for libc-bin (2.39-0ubuntu8.3) ...",
    "Filesystem      Size  Used Avail Use% Mounted on",
    "/dev/sda1        78G   31G   44G  42% /",
    "tmpfs           3.9G     0  3.9G   0% /dev/shm",
    "/dev/sdb1       493G  212G  256G  46% /var/lib/postgresql",
    "total 48",
    "drwxr-xr-x  2 root root 4096 Feb 27 11:02 .",
    "-rw-r--r--  1 root root 1873 Feb 27 11:02 app.conf",
    "-rw-r-----  1 app  app   412 Feb 27 11:02 secrets.env",
    'LISTEN 0      511          0.0.0.0:80         0.0.0.0:*    users:(("nginx",pid=1187,fd=6))',
    'LISTEN 0      4096       127.0.0.1:9100       0.0.0.0:*    users:(("node_exporter",pid=802))',
    'LISTEN 0      244        127.0.0.1:5432       0.0.0.0:*    users:(("postgres",pid=951,fd=7))',
    "● app-api.service - Application API",
    "     Loaded: loaded (/etc/systemd/system/app-api.service; enabled; preset: enabled)",
    "     Active: active (running) since Mon 2026-03-02 07:41:12 UTC; 18min ago",
    "   Main PID: 1422 (gunicorn)",
    "      Tasks: 9 (limit: 9387)",
    "     Memory: 212.4M (peak: 240.1M)",
    "2026-03-02T07:59:58Z INFO  worker[3] processed batch id=88412 items=250 took=1.82s",
    "2026-03-02T07:59:59Z WARN  pool: connection to db-0003:5432 slow (412ms)",
    "2026-03-02T08:00:00Z INFO  healthcheck ok version=2026.03.1 build=4821",
    "removed '/var/log/app/app.log.7.gz'",
    "removed '/var/log/app/worker.log.9.gz'",
    "Linux 6.8.0-51-generic (x86_64)",
    " 08:00:01 up 41 days,  3:12,  0 users,  load average: 0.42, 0.37, 0.31",
    "OpenSSL 3.0.13 30 Jan 2024 (Library: OpenSSL 3.0.13 30 Jan 2024)",
    "nginx version: nginx/1.24.0 (Ubuntu)",
    "psql (PostgreSQL) 16.6 (Ubuntu 16.6-0ubuntu0.24.04.1)",
    "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=62c7a5d52c72f4cd",
    "synchronised to NTP server (185.125.190.57) at stratum 3",
    "   time correct to within 24 ms",
    "Certificate will not expire",
    "notAfter=Nov 14 23:59:59 2026 GMT",
    '{"status":"ok","checks":{"db":"ok","cache":"ok","queue":"degraded"}}',
    "sent 1,482,113 bytes  received 2,201 bytes  989,542.67 bytes/sec",
    "total size is 88,120,442  speedup is 59.38",
]
STDERR_LINES = [
    "WARNING: apt does not have a stable CLI interface. Use with caution in scripts.",
    "debconf: delaying package configuration, since apt-utils is not installed",
    "find: '/var/log/app/archive': No such file or directory",
    "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server",
]
FAIL_MSGS = {
    "copy": "Destination directory /etc/app/conf.d does not exist",
    "template": "AnsibleUndefinedVariable: 'app_db_password' is undefined",
    "package": "No package matching 'app-agent' is available",
    "file": "There was an issue creating /srv/backups as requested: [Errno 28] No space left",
    "lineinfile": "Destination /etc/app/app.env does not exist !",
}
UNREACH_MSGS = [
    "Failed to connect to the host via ssh: ssh: connect to host {h} port 22: Connection timed out",
    "Failed to connect to the host via ssh: ssh: connect to host {h} port 22: No route to host",
    'Data could not be sent to remote host "{h}". Make sure this host can be reached over ssh: '
    "kex_exchange_identification: read: Connection reset by peer",
]

ACTION_MIX = [
    ("command", 22),
    ("shell", 18),
    ("template", 14),
    ("copy", 12),
    ("package", 12),
    ("debug", 10),
    ("file", 7),
    ("lineinfile", 5),
]
BASE_DURATION = {
    "command": 0.9,
    "shell": 1.4,
    "copy": 2.2,
    "template": 2.3,
    "package": 7.0,
    "debug": 0.03,
    "file": 0.7,
    "lineinfile": 0.8,
    "service": 1.8,
}
CHANGE_PROB = {
    "shell": 1.0,
    "copy": 0.3,
    "template": 0.3,
    "package": 0.2,
    "debug": 0.0,
    "file": 0.1,
    "lineinfile": 0.2,
    "service": 1.0,
}


def uuid4(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


# --------------------------------------------------------------------------------------
# The playbook model
# --------------------------------------------------------------------------------------


class Task:
    __slots__ = (
        "action",
        "args",
        "async_",
        "base",
        "cmd",
        "idx",
        "ignore_errors",
        "is_handler",
        "item_cmds",
        "line",
        "loop",
        "loop_skip",
        "name",
        "no_change",
        "notify",
        "resolved",
        "retries",
        "uuid",
        "when_group",
    )

    def __init__(self, name: str, action: str, args: dict[str, Any]) -> None:
        self.name = name
        self.action = action
        self.resolved = f"ansible.builtin.{action}"
        self.args = args
        self.uuid = ""
        self.line = 0
        self.idx = 0  # global task index (for the unreachable schedule)
        self.loop: list[str] | None = None
        self.loop_skip: str | None = None
        self.when_group: str | None = None
        self.ignore_errors = False
        self.no_change = False  # changed_when: false
        self.retries = 0
        self.async_ = 0
        self.notify: Task | None = None
        self.is_handler = False
        self.base = BASE_DURATION[action]
        self.cmd = ""
        self.item_cmds: dict[str, str] = {}


class Ctx:
    """An event_data context (play or task level) and its JSON, encoded once."""

    __slots__ = ("d", "js")

    def __init__(self, d: dict[str, Any]) -> None:
        self.d = d
        self.js = json.dumps(d)[:-1]  # without the closing brace

    def __getitem__(self, key: str) -> Any:
        return self.d[key]


class Play:
    __slots__ = ("handlers", "line", "name", "pattern", "tasks", "uuid")

    def __init__(self, name: str, pattern: str) -> None:
        self.name = name
        self.pattern = pattern
        self.uuid = ""
        self.line = 0
        self.tasks: list[Task] = []
        self.handlers: list[Task] = []


class Job:
    """One host running one task: the decisions behind its events."""

    __slots__ = (
        "attempts",
        "changed",
        "ctx",
        "end",
        "fail_item",
        "host",
        "item_res",
        "items",
        "jid",
        "outcome",
        "poll_uuid",
        "start",
        "task",
    )

    def __init__(self, host: str, task: Task, ctx: Ctx, start: float) -> None:
        self.host = host
        self.task = task
        self.ctx = ctx
        self.start = start
        self.end = start
        self.outcome = R_OK
        self.changed = False
        self.items: list[int] = []  # per item: R_OK / R_FAILED / R_SKIPPED
        self.item_res: list[dict[str, Any]] = []
        self.fail_item = -1
        self.attempts = 1
        self.jid = ""
        self.poll_uuid = ""


# --------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------


class _Generator:
    def __init__(
        self,
        out_dir: Path,
        *,
        hosts: int,
        tasks: int,
        strategy: str,
        seed: int,
        ident: str,
        failure_rate: float,
        loop_every: int,
        unreachable: int,
        serial: int,
        forks: int,
        plays: int = 0,
    ) -> None:
        if strategy not in ("linear", "free"):
            raise ValueError(f"strategy must be linear or free, not {strategy!r}")
        if hosts < 1 or tasks < 1:
            raise ValueError("need at least one host and one task")
        self.rng = random.Random(seed)
        self.out_dir = out_dir
        self.ident = ident
        self.strategy = strategy
        self.failure_rate = failure_rate
        self.loop_every = loop_every
        self.serial = serial
        self.n_plays = plays
        self.forks = max(1, forks)
        rng = self.rng
        self.pid = rng.randint(1000, 60000)
        self._ansible_prefix = f"02fc0000-0001-{rng.getrandbits(16):04x}-{rng.getrandbits(16):04x}"
        self._ansible_id = 0
        self.playbook_uuid = uuid4(rng)
        self._seq = 0

        # hosts and groups
        self.hosts: list[str] = []
        self.group: dict[str, str] = {}
        self.speed: dict[str, float] = {}
        per_group = [max(1, round(hosts * frac)) for _, frac in GROUPS]
        per_group[0] += hosts - sum(per_group)
        while per_group[0] < 1:  # tiny inventories
            i = max(range(len(per_group)), key=per_group.__getitem__)
            per_group[i] -= 1
            per_group[0] += 1
        for (g, _), n in zip(GROUPS, per_group, strict=True):
            for i in range(1, n + 1):
                h = f"{g}-{i:04d}"
                self.hosts.append(h)
                self.group[h] = g
                slow = rng.random() < 0.03
                self.speed[h] = rng.lognormvariate(0, 0.3) * (rng.uniform(3, 6) if slow else 1)
        self.host_order = {h: i for i, h in enumerate(self.hosts)}
        self.dead_at: dict[str, int] = {}
        if unreachable:
            for h in rng.sample(self.hosts, min(unreachable, len(self.hosts))):
                self.dead_at[h] = rng.randrange(0, max(1, tasks // 2))

        self.plays = self._make_plays(tasks)
        self._pools()

    # ---- ids -------------------------------------------------------------------------

    def ansible_id(self) -> str:
        self._ansible_id += 1
        return f"{self._ansible_prefix}-{self._ansible_id:012x}"

    def seq(self) -> int:
        self._seq += 1
        return self._seq

    # ---- playbook --------------------------------------------------------------------

    def _make_plays(self, n_tasks: int) -> list[Play]:
        rng = self.rng
        names = [
            ("Bootstrap hosts", "all"),
            # `canary` is no group of the inventory: ansible warns before this play starts
            ("Configure base system", "fleet:canary"),
            ("Deploy application release", "all"),
            ("Verify services", "fleet"),
        ]
        if self.n_plays:
            n_plays = min(self.n_plays, n_tasks)
            counts = [n_tasks // n_plays + (p < n_tasks % n_plays) for p in range(n_plays)]
            names = [
                (name if p < len(names) else f"{name} ({p + 1})", pattern)
                for p, (name, pattern) in zip(range(n_plays), itertools.cycle(names), strict=False)
            ]
        else:
            fracs = [0.15, 0.35, 0.30, 0.20]
            n_plays = 1 if n_tasks < 8 else 2 if n_tasks < 20 else 3 if n_tasks < 40 else 4
            fr = fracs[:n_plays]
            counts = [max(1, int(n_tasks * f / sum(fr))) for f in fr]
            counts[-1] += n_tasks - sum(counts)
            if counts[-1] < 1:  # cannot happen with the thresholds above, but stay safe
                counts = [n_tasks] + [0] * (n_plays - 1)
        plays: list[Play] = []
        gidx = 0
        for p, count in enumerate(counts):
            if not count:
                continue
            play = Play(*names[p])
            play.uuid = self.ansible_id()
            self.ansible_id()  # the handlers block
            for svc in rng.sample(SERVICES, 2 if p else 1):
                h = Task(f"Restart {svc}", "service", {"name": svc, "state": "restarted"})
                h.is_handler = True
                h.uuid = self.ansible_id()
                play.handlers.append(h)
            self.ansible_id()  # the tasks block
            for _ in range(count):
                t = self._make_task(gidx, play)
                t.uuid = self.ansible_id()
                t.idx = gidx
                play.tasks.append(t)
                gidx += 1
            plays.append(play)
        self._yaml(plays)
        return plays

    def _make_task(self, gidx: int, play: Play) -> Task:
        rng = self.rng
        action = rng.choices([a for a, _ in ACTION_MIX], [w for _, w in ACTION_MIX])[0]
        svc = rng.choice(SERVICES)
        loop = bool(self.loop_every) and gidx % self.loop_every == self.loop_every - 1
        n = gidx + 1
        t: Task
        if action == "command":
            if loop:
                t = Task(f"Check services are active ({n})", "command", {})
                t.loop = rng.sample(SERVICES, rng.randint(2, 6))
                t.cmd = "systemctl is-active {{ item }}"
                t.item_cmds = {i: f"systemctl is-active {i}" for i in t.loop}
            else:
                cmd, name = rng.choice(
                    [
                        (f"{svc} --version", f"Check {svc} version"),
                        ("uname -r", "Read running kernel"),
                        ("df -h", "Report disk usage"),
                        ("ss -tlnp", "List listening sockets"),
                        (f"systemctl status {svc} --no-pager", f"Get {svc} status"),
                        ("uptime", "Collect uptime"),
                        (
                            "openssl x509 -checkend 2592000 -noout -in /etc/ssl/certs/app.pem",
                            "Check TLS certificate expiry",
                        ),
                    ]
                )
                t = Task(f"{name} ({n})", "command", {})
                t.cmd = cmd
            t.no_change = rng.random() < 0.6
        elif action == "shell":
            if loop:
                t = Task(f"Rotate logs ({n})", "shell", {})
                t.loop = rng.sample(SERVICES, rng.randint(2, 5))
                t.cmd = "find /var/log/{{ item }} -name '*.gz' -mtime +14 -print -delete"
                t.item_cmds = {
                    i: f"find /var/log/{i} -name '*.gz' -mtime +14 -print -delete" for i in t.loop
                }
            else:
                cmd, name = rng.choice(
                    [
                        (
                            "find /var/log/app -name '*.gz' -mtime +14 -print -delete",
                            "Prune old logs",
                        ),
                        ("dpkg -l | awk '/^ii/ {print $2, $3}' | head -40", "Gather package list"),
                        ("curl -sf http://localhost:8080/health", "Probe application health"),
                        ("chronyc tracking | head -5", "Check time sync"),
                        (
                            "rsync -a --delete /opt/app/current/ /srv/backups/app/",
                            "Snapshot current release",
                        ),
                        ("journalctl -u app-api --since -10min --no-pager | tail -20", "Tail logs"),
                    ]
                )
                t = Task(f"{name} ({n})", "shell", {})
                t.cmd = cmd
            if not loop and rng.random() < 0.06:
                t.retries = rng.randint(3, 6)
                t.name = f"Wait for application to answer ({n})"
                t.cmd = "curl -sf http://localhost:8080/health"
            elif not loop and rng.random() < 0.05:
                t.async_ = 600
                t.name = f"Run database migrations ({n})"
                t.cmd = "/opt/app/current/bin/migrate --all"
                t.base = 25.0
        elif action in ("copy", "template"):
            base = rng.choice(["app.conf", f"{svc}.conf", "limits.conf", "logging.yml", "env"])
            dest = f"/etc/{svc}/{base}"
            if action == "copy":
                t = Task(f"Install {base} for {svc} ({n})", "copy", {})
                t.args = {"src": f"files/{base}", "dest": dest, "mode": "0644"}
            else:
                t = Task(f"Render {base} for {svc} ({n})", "template", {})
                t.args = {"src": f"templates/{base}.j2", "dest": dest, "mode": "0640"}
            if loop:
                t.loop = rng.sample(["main", "extra", "tls", "logging", "limits"], 3)
                t.name = f"Render {svc} config fragments ({n})"
                t.args["dest"] = f"/etc/{svc}/conf.d/{{{{ item }}}}.conf"
            if play.handlers and rng.random() < 0.5:
                t.notify = rng.choice(play.handlers)
        elif action == "package":
            pkg = rng.choice(PACKAGES)
            t = Task(f"Install {pkg} ({n})", "package", {"name": pkg, "state": "present"})
            if loop:
                t.loop = rng.sample(PACKAGES, rng.randint(3, 6))
                t.name = f"Install base packages ({n})"
                t.args = {"name": "{{ item }}", "state": "present"}
        elif action == "debug":
            t = Task(f"Show deployment facts ({n})", "debug", {"msg": ""})
            if loop:
                t.loop = rng.sample(USERS, 3)
                t.name = f"Show user accounts ({n})"
        elif action == "file":
            d = rng.choice(DIRS)
            t = Task(f"Ensure {d} exists ({n})", "file", {"path": d, "state": "directory"})
            if loop:
                t.loop = rng.sample(DIRS, rng.randint(2, 5))
                t.name = f"Create application directories ({n})"
                t.args = {"path": "{{ item }}", "state": "directory", "mode": "0755"}
        else:
            key = rng.choice(["MaxSessions", "ClientAliveInterval", "LogLevel", "vm.swappiness"])
            t = Task(
                f"Set {key} ({n})",
                "lineinfile",
                {"path": "/etc/ssh/sshd_config", "regexp": f"^{key}", "line": f"{key} 10"},
            )
            if loop:
                t.loop = ["MaxSessions", "ClientAliveInterval", "LogLevel"]
                t.name = f"Harden sshd settings ({n})"
        if t.loop and rng.random() < 0.3:
            t.loop_skip = rng.choice(t.loop)
        if not t.loop and rng.random() < 0.15:
            t.when_group = rng.choice([g for g, _ in GROUPS])
        if t.action != "debug" and rng.random() < 0.1:
            t.ignore_errors = True
        return t

    def _yaml(self, plays: list[Play]) -> None:
        lines: list[str] = ["---"]

        def add(s: str) -> int:
            lines.append(s)
            return len(lines)

        def task_lines(t: Task) -> None:
            t.line = add(f"    - name: {t.name}")
            if t.action in ("command", "shell"):
                add(f"      {t.action}: {t.cmd}")
            elif t.action == "debug":
                add("      debug:")
                add("        msg: " + ("'{{ item }}'" if t.loop else "'Deploying {{ release }}'"))
            else:
                add(f"      {t.action}:")
                for k, v in t.args.items():
                    add(f"        {k}: {json.dumps(v) if '{' in str(v) else v}")
            if t.loop:
                add(f"      loop: [{', '.join(t.loop)}]")
            if t.loop_skip:
                add(f"      when: item != '{t.loop_skip}'")
            if t.when_group:
                add(f"      when: \"'{t.when_group}' in group_names\"")
            if t.no_change:
                add("      changed_when: false")
            if t.retries:
                add("      register: health")
                add("      until: health.rc == 0")
                add(f"      retries: {t.retries}")
                add("      delay: 5")
            if t.async_:
                add(f"      async: {t.async_}")
                add("      poll: 10")
            if t.ignore_errors:
                add("      ignore_errors: true")
            if t.notify:
                add(f"      notify: {t.notify.name}")

        for play in plays:
            play.line = add(f"- name: {play.name}")
            add(f"  hosts: {play.pattern}")
            add("  gather_facts: false")
            if self.strategy != "linear":
                add(f"  strategy: {self.strategy}")
            if self.serial:
                add(f"  serial: {self.serial}")
            add("  tasks:")
            for t in play.tasks:
                task_lines(t)
            add("  handlers:")
            for h in play.handlers:
                h.line = add(f"    - name: {h.name}")
                add("      service:")
                add(f"        name: {h.args['name']}")
                add("        state: restarted")
            add("")
        self.yaml_lines = lines

    def _pools(self) -> None:
        rng = self.rng
        # stdout blobs: ~45% tiny, ~40% up to 500 chars, ~15% up to 2 KB
        blobs: list[str] = []
        for _ in range(400):
            r = rng.random()
            limit = 60 if r < 0.45 else 500 if r < 0.85 else 2000
            out: list[str] = []
            size = 0
            while True:
                line = rng.choice(LOG_LINES)
                if size + len(line) + 1 > limit:
                    break
                out.append(line)
                size += len(line) + 1
            if not out and r >= 0.2:
                out.append(rng.choice(LOG_LINES)[:limit])
            blobs.append("\n".join(out))
        self.blobs = blobs
        self.stderr_blobs = ["", "", "", "", "", "", *STDERR_LINES]

    # ---- simulation -----------------------------------------------------------------

    def _task_ctx(self, play_ctx: Ctx, t: Task) -> Ctx:
        return Ctx(
            {
                **play_ctx.d,
                "task": t.name,
                "task_uuid": t.uuid,
                "task_action": t.action,
                "resolved_action": t.resolved,
                "task_args": "",
                "task_path": f"{PLAYBOOK_PATH}:{t.line}",
            }
        )

    def _job(self, host: str, t: Task, ctx: Ctx, start: float, out: list[tuple[Any, ...]]) -> Job:
        """Decide what happens to ``host`` on ``t`` and append its records to ``out``."""
        rng = self.rng
        seq = self.seq
        j = Job(host, t, ctx, start)
        out.append((start, seq(), K_START, j))
        speed = self.speed[host]
        dead = self.dead_at.get(host)
        if dead is not None and t.idx >= dead and not t.is_handler:
            j.outcome = R_UNREACHABLE
            dur = rng.uniform(0.3, 10.0)
        elif t.when_group and self.group[host] != t.when_group:
            j.outcome = R_SKIPPED
            dur = rng.uniform(0.02, 0.06)
        else:
            dur = t.base * speed * rng.lognormvariate(0, 0.25)
            failed = t.action != "debug" and rng.random() < self.failure_rate
            if t.loop:
                n = len(t.loop)
                j.items = [
                    R_SKIPPED if item == t.loop_skip and rng.random() < 0.7 else R_OK
                    for item in t.loop
                ]
                if failed:
                    j.fail_item = rng.randrange(n)
                    j.items[j.fail_item] = R_FAILED
                dur *= n * 0.7
                for k in range(n):
                    out.append((start + dur * (k + 1) / (n + 1), seq(), K_ITEM, j, k))
            if t.retries and not failed and rng.random() < 0.25:
                j.attempts = rng.randint(2, t.retries)
                step = 5.0 + dur
                for a in range(1, j.attempts):
                    out.append((start + a * step - 4.9, seq(), K_RETRY, j, a))
                dur = j.attempts * step - 5.0
            if t.async_:
                j.jid = f"j{rng.randrange(10**11, 10**12)}.{rng.randint(1000, 99999)}"
                j.poll_uuid = self.ansible_id()
                for p in range(1, int(dur // 10) + 1):
                    out.append((start + p * 10.0, seq(), K_POLL, j, p))
                out.append((start + dur + 0.002, seq(), K_ASYNC_OK, j))
                dur += 0.004
            if failed:
                j.outcome = R_IGNORED if t.ignore_errors else R_FAILED
            if t.action == "command":
                j.changed = not t.no_change
            else:
                j.changed = rng.random() < CHANGE_PROB[t.action]
            if t.loop:
                j.changed = j.changed and any(s == R_OK for s in j.items)
        j.end = start + dur
        out.append((j.end + 0.0006, seq(), K_FINAL, j))
        return j

    def simulate(self, emit: Callable[[list[tuple[Any, ...]]], None]) -> None:
        self._emit = emit
        alive = list(self.hosts)  # in inventory order
        now = 0.0
        for play in self.plays:
            batches = (
                [alive[i : i + self.serial] for i in range(0, len(alive), self.serial)]
                if self.serial
                else [alive]
            )
            gone: set[str] = set()
            for b_no, batch in enumerate(batches):
                play_uuid = play.uuid if b_no == 0 else f"{play.uuid}_{b_no + 1}"
                play_ctx = Ctx(
                    {
                        "playbook": PLAYBOOK,
                        "playbook_uuid": self.playbook_uuid,
                        "play": play.name,
                        "play_uuid": play_uuid,
                        "play_pattern": play.pattern,
                    }
                )
                recs: list[tuple[Any, ...]] = []
                if b_no == 0 and ":canary" in play.pattern:
                    # as ansible does: the warning comes before the play start, in the
                    # context of the last task started
                    recs.append((now, self.seq(), K_WARNING, play))
                    now += 0.002
                recs.append((now, self.seq(), K_PLAY, play, play_ctx))
                emit(recs)
                now += 0.03
                if self.strategy == "linear":
                    now = self._linear(play, play_ctx, batch, gone, now)
                else:
                    now = self._free(play, play_ctx, batch, gone, now)
                now += 0.01
            alive = [h for h in alive if h not in gone]

    def _linear(
        self,
        play: Play,
        play_ctx: Ctx,
        batch: list[str],
        gone: set[str],
        now: float,
    ) -> float:
        active = list(batch)
        notified: dict[Task, dict[str, None]] = {}  # handler -> hosts, in notify order
        for t in play.tasks:
            if not active:
                break
            ctx = self._task_ctx(play_ctx, t)
            recs: list[tuple[Any, ...]] = [(now, self.seq(), K_TASK, t, ctx)]
            end = self._run_hosts(t, ctx, active, now + 0.002, recs)
            self._emit_sorted(recs)
            survivors = []
            for j in self._last_jobs:
                if j.outcome in (R_FAILED, R_UNREACHABLE):
                    gone.add(j.host)
                else:
                    survivors.append(j.host)
                    if t.notify and j.changed:
                        notified.setdefault(t.notify, {})[j.host] = None
            active = survivors
            now = end + 0.005
        if notified:
            recs = []
            for h in play.handlers:
                for host in notified.get(h, ()):
                    if host not in gone:
                        recs.append((now, self.seq(), K_NOTIFY, host, h))
                        now += 0.0003
            self._emit_sorted(recs)
            for h in play.handlers:
                hosts = [x for x in notified.get(h, ()) if x not in gone]
                if not hosts:
                    continue
                ctx = self._task_ctx(play_ctx, h)
                recs = [(now, self.seq(), K_TASK, h, ctx)]
                now = self._run_hosts(h, ctx, hosts, now + 0.002, recs) + 0.005
                self._emit_sorted(recs)
        return now

    def _run_hosts(self, t: Task, ctx: Ctx, hosts: list[str], now: float, recs: list[Any]) -> float:
        """Linear: queue every host on ``forks`` workers; return when the last one ends."""
        forks = [now] * min(self.forks, len(hosts))
        dispatch = now
        end = now
        jobs = []
        for h in hosts:
            free = heapq.heappop(forks)
            start = max(dispatch, free)
            dispatch = start + 0.0015
            j = self._job(h, t, ctx, start, recs)
            jobs.append(j)
            heapq.heappush(forks, j.end + 0.001)
            end = max(end, j.end + 0.001)
        self._last_jobs = jobs
        return end

    def _free(
        self,
        play: Play,
        play_ctx: Ctx,
        batch: list[str],
        gone: set[str],
        now: float,
    ) -> float:
        ctxs = {t: self._task_ctx(play_ctx, t) for t in (*play.tasks, *play.handlers)}
        ready = [(now + i * 0.0015, i, h) for i, h in enumerate(batch)]
        heapq.heapify(ready)
        pos = dict.fromkeys(batch, 0)
        notified: dict[str, list[Task]] = {}
        forks = [now] * min(self.forks, len(batch))
        recs: list[tuple[Any, ...]] = []
        end = now
        n_tasks = len(play.tasks)
        while ready:
            t_ready, order, h = heapq.heappop(ready)
            i = pos[h]
            if i < n_tasks:
                t = play.tasks[i]
            else:  # the host's own handler flush
                pending = notified.get(h)
                if not pending:
                    end = max(end, t_ready)
                    continue
                t = pending.pop(0)
                if i == n_tasks:  # first flush: all notifications first
                    for ht in [t, *pending]:
                        recs.append((t_ready, self.seq(), K_NOTIFY, h, ht))
                    t_ready += 0.0005
            free = heapq.heappop(forks)
            start = max(t_ready, free)
            recs.append((start, self.seq(), K_TASK, t, ctxs[t]))
            j = self._job(h, t, ctxs[t], start + 0.0012, recs)
            heapq.heappush(forks, j.end + 0.001)
            end = max(end, j.end + 0.001)
            pos[h] = i + 1
            if j.outcome in (R_FAILED, R_UNREACHABLE):
                gone.add(h)
                continue
            if t.notify and j.changed and t.notify not in notified.setdefault(h, []):
                notified[h].append(t.notify)
            heapq.heappush(ready, (j.end + 0.003, order, h))
        self._emit_sorted(recs)
        return end + 0.005

    def _emit_sorted(self, recs: list[tuple[Any, ...]]) -> None:
        recs.sort(key=lambda r: (r[0], r[1]))
        self._emit(recs)

    _emit: Callable[[list[tuple[Any, ...]]], None]
    _last_jobs: list[Job]


# --------------------------------------------------------------------------------------
# Writing events
# --------------------------------------------------------------------------------------


class _FileWriter:
    """Creates files on a background thread.

    ``os.open``/``os.write`` release the GIL, so file creation (the slow part on a real
    disk) overlaps with building and encoding the next events.
    """

    def __init__(self) -> None:
        self.q: queue.Queue[list[tuple[str, bytes]] | None] = queue.Queue(maxsize=16)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="bench-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            batch = self.q.get()
            if batch is None:
                return
            if self.error is not None:
                continue
            try:
                for path, data in batch:
                    fd = os.open(path, _OPEN_FLAGS, 0o600)
                    try:
                        view = memoryview(data)
                        while view:
                            view = view[os.write(fd, view) :]
                    finally:
                        os.close(fd)
            except BaseException as e:  # reported by put()/close()
                self.error = e

    def put(self, batch: list[tuple[str, bytes]]) -> None:
        if self.error is not None:
            raise self.error
        self.q.put(batch)

    def close(self) -> None:
        self.q.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class _Writer:
    """Turns simulation records into runner's event files, in order."""

    def __init__(self, gen: _Generator, ident_dir: Path) -> None:
        self.g = gen
        self.rng = gen.rng
        self.jdir = str(ident_dir / "job_events")
        self.ident = gen.ident
        self.ident_js = _enc(gen.ident)
        self.pending: list[tuple[str, bytes]] = []
        self.files = _FileWriter()
        self.pid = gen.pid
        self.counter = 0
        self.line = 0
        self.last_t = -1.0
        self.stdout_parts: list[str] = []
        self.inv: dict[tuple[str, str | None], Any] = {}
        self.last_banner: str | None = None
        self.task_type: dict[str, str] = {}
        self.cur_task_ctx: Ctx | None = None
        self.free = gen.strategy == "free"
        self.seen_task: dict[str, int] = {}
        self.first_task_uuid: dict[str, str] = {}
        self.stats: dict[str, dict[str, int]] = {
            k: {}
            for k in (
                "changed",
                "dark",
                "failures",
                "ignored",
                "ok",
                "processed",
                "rescued",
                "skipped",
            )
        }
        self.bytes = 0

    # ---- low level ------------------------------------------------------------------

    def write(
        self,
        event: str,
        uuid: str,
        stdout: str,
        t: float,
        parent: str | None,
        ctx: Ctx | None,
        rest: dict[str, Any],
        extra_lines: int = 0,
    ) -> None:
        """Write one event file; event_data is ``{**ctx, **rest}``.

        The JSON is assembled from pieces but is byte-identical to runner's
        ``json.dump(event)`` (default separators, ensure_ascii).
        """
        self.counter += 1
        c = self.counter
        start_line = self.line
        if stdout:
            self.line += stdout.count("\n") + 1 + extra_lines
            self.stdout_parts.append(stdout)
        if t <= self.last_t:
            t = self.last_t + 0.000001
        self.last_t = t
        ed = _dumps(rest)
        if ctx is not None:
            ed = f"{ctx.js}, {ed[1:]}"
        par = "" if parent is None else f'"parent_uuid": "{parent}", '
        data = (
            f'{{"uuid": "{uuid}", "counter": {c}, "stdout": {_enc(stdout)}, '
            f'"start_line": {start_line}, "end_line": {self.line}, '
            f'"runner_ident": {self.ident_js}, "event": "{event}", "pid": {self.pid}, '
            f'"created": "{iso(t)}", {par}"event_data": {ed}}}'
        ).encode()
        self.pending.append((f"{self.jdir}/{c}-{uuid}.json", data))
        if len(self.pending) >= 256:
            self.flush()
        self.bytes += len(data)

    def flush(self) -> None:
        if self.pending:
            self.files.put(self.pending)
            self.pending = []

    def close(self) -> None:
        self.flush()
        self.files.close()

    def stat(self, key: str, host: str) -> None:
        m = self.stats[key]
        m[host] = m.get(host, 0) + 1
        self.stats["processed"][host] = 1

    def result_banner(self, t: Task) -> str:
        """Free strategy prints the task banner lazily, with the first result shown."""
        if self.last_banner == t.uuid:
            return ""
        self.last_banner = t.uuid
        return banner(f"{self.task_type.get(t.uuid, 'TASK')} [{t.name}]")

    # ---- dispatch -------------------------------------------------------------------

    def emit(self, recs: list[tuple[Any, ...]]) -> None:
        for r in recs:
            kind = r[2]
            if kind == K_START:
                self.runner_on_start(r[0], r[3])
            elif kind == K_FINAL:
                self.final(r[0], r[3])
            elif kind == K_ITEM:
                self.item(r[0], r[3], r[4])
            elif kind == K_TASK:
                self.task_start(r[0], r[3], r[4])
            elif kind == K_RETRY:
                self.retry(r[0], r[3], r[4])
            elif kind == K_POLL:
                self.poll(r[0], r[3])
            elif kind == K_ASYNC_OK:
                self.async_ok(r[0], r[3])
            elif kind == K_NOTIFY:
                self.notify(r[0], r[3], r[4])
            elif kind == K_PLAY:
                self.play_start(r[0], r[3], r[4])
            elif kind == K_WARNING:
                self.warning(r[0])

    # ---- playbook level -------------------------------------------------------------

    def playbook_start(self) -> None:
        g = self.g
        self.write(
            "playbook_on_start",
            g.playbook_uuid,
            "",
            -0.005,
            None,
            None,
            {"playbook": PLAYBOOK, "playbook_uuid": g.playbook_uuid, "uuid": g.playbook_uuid},
        )

    def play_start(self, t: float, play: Play, ctx: Ctx) -> None:
        uuid = ctx["play_uuid"]
        ed = {"name": play.name, "pattern": play.pattern, "uuid": uuid}
        self.cur_task_ctx = None
        self.write(
            "playbook_on_play_start",
            uuid,
            banner(f"PLAY [{play.name}]"),
            t,
            self.g.playbook_uuid,
            ctx,
            ed,
        )

    def inventory_warning(self) -> None:
        """Inventory warnings come before the playbook starts: a `verbose` event, no context."""
        self.counter += 1
        stdout = stringc(
            "[WARNING]: Invalid characters were found in group names but not replaced, "
            "use -vvvv to see details",
            WARN,
        )
        start_line = self.line
        self.line += 1
        t = self.last_t = -0.2
        uuid = uuid4(self.rng)
        data = (
            f'{{"event": "verbose", "uuid": "{uuid}", "counter": {self.counter}, '
            f'"stdout": {_enc(stdout)}, "start_line": {start_line}, "end_line": {self.line}, '
            f'"runner_ident": {self.ident_js}, "created": "{iso(t)}"}}'
        ).encode()
        self.pending.append((f"{self.jdir}/{self.counter}-{uuid}.json", data))
        self.stdout_parts.append(stdout)
        self.bytes += len(data)

    def warning(self, t: float) -> None:
        """A host pattern that matches nothing: warned in the last task's context."""
        ctx = self.cur_task_ctx
        uuid = uuid4(self.rng)
        msg = "[WARNING]: Could not match supplied host pattern, ignoring: canary"
        self.write(
            "warning",
            uuid,
            stringc(msg, WARN),
            t,
            ctx["task_uuid"] if ctx is not None else self.g.playbook_uuid,
            ctx,
            {"warning": True, "uuid": uuid},
        )

    def task_start(self, t: float, task: Task, ctx: Ctx) -> None:
        self.cur_task_ctx = ctx
        if task.is_handler:
            # handlers keep their uuid on every run (flushes, batches, free hosts)
            uuid = task.uuid
            parent = ctx["play_uuid"]
            ed = {"name": task.name, "uuid": uuid, "is_conditional": True}
            self.task_type[task.uuid] = "RUNNING HANDLER"
        else:
            n = self.seen_task.get(task.uuid, 0) + 1
            self.seen_task[task.uuid] = n
            uuid = task.uuid if n == 1 else f"{task.uuid}_{n}"
            parent = ctx["play_uuid"] if n == 1 else task.uuid
            ed = {"name": task.name, "is_conditional": False, "uuid": uuid}
        if self.free:
            stdout = ""
        else:
            prefix = "RUNNING HANDLER" if task.is_handler else "TASK"
            stdout = banner(f"{prefix} [{task.name}]")
            self.last_banner = task.uuid
        self.write("playbook_on_task_start", uuid, stdout, t, parent, ctx, ed)

    def notify(self, t: float, host: str, handler: Task) -> None:
        ctx = self.cur_task_ctx
        assert ctx is not None
        uuid = uuid4(self.rng)
        self.write(
            "playbook_on_notify",
            uuid,
            "",
            t,
            ctx["task_uuid"],
            ctx,
            {"host": host, "handler": handler.name, "uuid": uuid},
        )

    def stats_event(self, t: float) -> None:
        s = self.stats
        uuid = uuid4(self.rng)
        lines = [banner("PLAY RECAP")]
        for h in sorted(s["processed"]):
            v = {k: s[k].get(h, 0) for k in s}
            if v["failures"] or v["dark"]:
                hc = ERROR
            elif v["changed"]:
                hc = CHANGED
            else:
                hc = OK

            def col(lead: str, num: int, c: str) -> str:
                txt = f"{lead}={num:<4}"
                return stringc(txt, c) if num else txt

            lines.append(
                "%-37s : %s %s %s %s %s %s %s"  # noqa: UP031 - ansible's own format
                % (
                    stringc(h, hc),
                    col("ok", v["ok"], OK),
                    col("changed", v["changed"], CHANGED),
                    col("unreachable", v["dark"], UNREACH),
                    col("failed", v["failures"], ERROR),
                    col("skipped", v["skipped"], SKIP),
                    col("rescued", v["rescued"], OK),
                    col("ignored", v["ignored"], WARN),
                )
            )
        ed = {
            "playbook": PLAYBOOK,
            "playbook_uuid": self.g.playbook_uuid,
            **{k: dict(v) for k, v in s.items()},
            "artifact_data": {},
            "uuid": uuid,
        }
        self.write(
            "playbook_on_stats",
            uuid,
            "\r\n".join(lines),
            t,
            self.g.playbook_uuid,
            None,
            ed,
            extra_lines=1,
        )

    # ---- host level -----------------------------------------------------------------

    def runner_on_start(self, t: float, j: Job) -> None:
        uuid = uuid4(self.rng)
        self.write(
            "runner_on_start",
            uuid,
            "",
            t,
            j.task.uuid,
            j.ctx,
            {"host": j.host, "uuid": uuid},
        )

    def retry(self, t: float, j: Job, attempt: int) -> None:
        task = j.task
        uuid = uuid4(self.rng)
        res = self.module_res(j, t - 0.3, None, rc=7, failed=True, no_log_key=False)
        # runner_retry carries "exception" right after "invocation"
        exc = res.pop("exception")
        res = {
            k: v
            for key, val in res.items()
            for k, v in (((key, val), ("exception", exc)) if key == "invocation" else ((key, val),))
        }
        res["attempts"] = attempt
        res["retries"] = task.retries + 1
        left = task.retries + 1 - attempt
        stdout = stringc(
            f"FAILED - RETRYING: [{j.host}]: {task.name} ({left} retries left).", DEBUG
        )
        self.write(
            "runner_retry",
            uuid,
            stdout,
            t,
            task.uuid,
            j.ctx,
            {"host": j.host, "res": res, "uuid": uuid},
        )

    def poll(self, t: float, j: Job) -> None:
        uuid = uuid4(self.rng)
        ctx = Ctx(
            {
                **{k: j.ctx.d[k] for k in list(j.ctx.d)[:5]},
                "task": "async_status",
                "task_uuid": j.poll_uuid,
                "task_action": "async_status",
                "resolved_action": "ansible.builtin.async_status",
                "task_args": "",
                "task_path": "",
            }
        )
        res = {
            "started": True,
            "finished": False,
            "stdout": "",
            "stderr": "",
            "stdout_lines": [],
            "stderr_lines": [],
            "ansible_job_id": j.jid,
            "results_file": f"/root/.ansible_async/{j.jid}",
        }
        stdout = stringc(f"ASYNC POLL on {j.host}: jid={j.jid} started=True finished=False", DEBUG)
        self.write(
            "runner_on_async_poll",
            uuid,
            stdout,
            t,
            j.poll_uuid,
            ctx,
            {"host": j.host, "res": res, "jid": j.jid, "uuid": uuid},
        )

    def async_ok(self, t: float, j: Job) -> None:
        uuid = uuid4(self.rng)
        res = self.async_res(j)
        word = "OK"
        if j.outcome in (R_FAILED, R_IGNORED):
            res["rc"] = 1
            res["msg"] = "non-zero return code"
            word = "FAILED"
        self.write(
            f"runner_on_async_{word.lower()}",
            uuid,
            stringc(f"ASYNC {word} on {j.host}: jid={j.jid}", DEBUG),
            t,
            j.task.uuid,
            j.ctx,
            {"host": j.host, "res": res, "jid": j.jid, "uuid": uuid},
        )

    def async_res(self, j: Job) -> dict[str, Any]:
        res: dict[str, Any] = {
            "started": True,
            "finished": True,
            "stdout": "",
            "stderr": "",
            "stdout_lines": [],
            "stderr_lines": [],
            "ansible_job_id": j.jid,
            "results_file": f"/root/.ansible_async/{j.jid}",
        }
        body = self.module_res(j, j.start + 0.9, None, rc=0, failed=False, no_log_key=False)
        res.update(body)
        return res

    def item(self, t: float, j: Job, k: int) -> None:
        task = j.task
        assert task.loop is not None
        item = task.loop[k]
        status = j.items[k]
        uuid = uuid4(self.rng)
        label = {"item": item, "ansible_loop_var": "item", "_ansible_item_label": item}
        prefix = self.result_banner(task) if self.free else ""
        if status == R_SKIPPED:
            res = {
                "changed": False,
                "skip_reason": "Conditional result was False",
                "false_condition": f"item != '{task.loop_skip}'",
                "_ansible_no_log": False,
                **label,
            }
            stdout = stringc(f"skipping: [{j.host}] => (item={item}) ", SKIP)
            event = "runner_item_on_skipped"
            entry = {"changed": False, "skipped": True, **{k2: res[k2] for k2 in list(res)[1:]}}
        else:
            failed = status == R_FAILED
            res = self.module_res(j, t - 0.05, item, rc=1 if failed else 0, failed=failed)
            res.update(label)
            if failed:
                event = "runner_item_on_failed"
                dumped = dump_result(res)
                stdout = self.error_preamble(task, res.get("msg", "")) + stringc(
                    f"failed: [{j.host}] (item={item}) => {dumped}", ERROR
                )
            else:
                event = "runner_item_on_ok"
                changed = res.get("changed")
                word, c = ("changed", CHANGED) if changed else ("ok", OK)
                if task.action == "debug":
                    body = json.dumps({"msg": res["msg"]}, indent=4)
                    stdout = stringc(f"{word}: [{j.host}] => (item={item}) => {body}", c)
                else:
                    stdout = stringc(f"{word}: [{j.host}] => (item={item})", c)
            entry = {k2: v for k2, v in res.items() if k2 != "_ansible_no_log"}
            for k2 in ("item", "ansible_loop_var", "_ansible_item_label"):
                entry.pop(k2)
            entry["failed"] = failed
            entry["_ansible_no_log"] = False
            entry.update(label)
        j.item_res.append(entry)
        self.write(
            event,
            uuid,
            _lines(prefix, stdout),
            t,
            task.uuid,
            j.ctx,
            {"host": j.host, "res": res, "uuid": uuid},
        )

    def final(self, t: float, j: Job) -> None:
        task = j.task
        host = j.host
        uuid = uuid4(self.rng)
        start = iso(j.start)
        end_t = t - 0.0004
        dur = round(end_t - j.start, 6)
        prefix = self.result_banner(task) if self.free else ""
        o = j.outcome
        if o == R_SKIPPED:
            self.stat("skipped", host)
            self.write(
                "runner_on_skipped",
                uuid,
                _lines(prefix, stringc(f"skipping: [{host}]", SKIP)),
                t,
                task.uuid,
                j.ctx,
                {
                    "host": host,
                    "remote_addr": host,
                    "start": start,
                    "end": iso(end_t),
                    "duration": dur,
                    "event_loop": None,
                    "uuid": uuid,
                },
            )
            return
        if o == R_UNREACHABLE:
            self.stat("dark", host)
            msg = "Task failed: " + self.rng.choice(UNREACH_MSGS).format(h=host)
            res = {
                "unreachable": True,
                "exception": "(traceback unavailable)",
                "msg": msg,
                "changed": False,
                "_ansible_no_log": False,
            }
            shown = json.dumps({"changed": False, "msg": msg, "unreachable": True})
            stdout = self.error_preamble(task, msg, module=False) + stringc(
                f"fatal: [{host}]: UNREACHABLE! => {shown}", UNREACH
            )
            self.write(
                "runner_on_unreachable",
                uuid,
                _lines(prefix, stdout),
                t,
                task.uuid,
                j.ctx,
                {
                    "host": host,
                    "remote_addr": host,
                    "start": start,
                    "end": iso(end_t),
                    "duration": dur,
                    "res": res,
                    "uuid": uuid,
                },
            )
            return

        failed = o in (R_FAILED, R_IGNORED)
        if task.loop:
            any_changed = any(e.get("changed") for e in j.item_res)
            res = {
                "results": j.item_res,
                "changed": any_changed,
                "msg": "One or more items failed" if failed else "All items completed",
            }
            changed = any_changed
            stdout = ""
            if failed and o == R_IGNORED:
                stdout = stringc("...ignoring", SKIP)
        elif task.async_:
            res = self.async_res(j)
            if failed:
                res["rc"] = 1
                res["msg"] = "non-zero return code"
            res["_ansible_no_log"] = False
            changed = True
            stdout = ""
        else:
            res = self.module_res(j, t - 0.05, None, rc=1 if failed else 0, failed=failed)
            if j.attempts > 1:
                res.pop("_ansible_no_log", None)
                res["attempts"] = j.attempts
                res["_ansible_no_log"] = False
            changed = bool(res.get("changed"))
            stdout = ""
        if failed:
            if not task.loop:
                stdout = self.error_preamble(task, res.get("msg", "")) + stringc(
                    f"fatal: [{host}]: FAILED! => {dump_result(res)}", ERROR
                )
                if o == R_IGNORED:
                    stdout += "\r\n" + stringc("...ignoring", SKIP)
            if o == R_IGNORED:
                self.stat("ok", host)
                self.stat("ignored", host)
                if changed:
                    self.stat("changed", host)
            else:
                self.stat("failures", host)
            ed = {
                "host": host,
                "remote_addr": host,
                "res": res,
                "start": start,
                "end": iso(end_t),
                "duration": dur,
                "ignore_errors": True if o == R_IGNORED else None,
                "event_loop": None,
                "uuid": uuid,
            }
            self.write("runner_on_failed", uuid, _lines(prefix, stdout), t, task.uuid, j.ctx, ed)
            return
        self.stat("ok", host)
        if changed:
            self.stat("changed", host)
        if not task.loop:
            word, c = ("changed", CHANGED) if changed else ("ok", OK)
            if task.action == "debug":
                body = json.dumps({"msg": res["msg"]}, indent=4)
                stdout = stringc(f"{word}: [{host}] => {body}", c)
            else:
                stdout = stringc(f"{word}: [{host}]", c)
        ed = {
            "host": host,
            "remote_addr": host,
            "res": res,
            "start": start,
            "end": iso(end_t),
            "duration": dur,
            "event_loop": None,
            "uuid": uuid,
        }
        self.write("runner_on_ok", uuid, _lines(prefix, stdout), t, task.uuid, j.ctx, ed)

    def error_preamble(self, task: Task, msg: str, *, module: bool = True) -> str:
        """ansible-core 2.19 prints the error and its origin before ``fatal:``."""
        lines = self.g.yaml_lines
        first = max(1, task.line - 2)
        width = len(str(task.line))
        out = [
            f"[ERROR]: Task failed: Module failed: {msg}" if module else f"[ERROR]: {msg}",
            f"Origin: {PLAYBOOK_PATH}:{task.line}:7",
            "",
        ]
        for n in range(first, task.line + 1):
            out.append(f"{n:>{width}} {lines[n - 1]}")
        out.append(" " * (width + 7) + "^ column 7")
        out.append("")
        return stringc("\n".join(out), ERROR) + "\r\n"

    # ---- module results ---------------------------------------------------------------

    def module_res(
        self,
        j: Job,
        t_end: float,
        item: str | None,
        *,
        rc: int,
        failed: bool,
        no_log_key: bool = True,
    ) -> dict[str, Any]:
        task = j.task
        a = task.action
        rng = self.rng
        res: dict[str, Any]
        if a in ("command", "shell"):
            key = (task.uuid, item)
            cached = self.inv.get(key)
            if cached is None:
                cmd = task.item_cmds[item] if item is not None else task.cmd
                cached = self.inv[key] = (
                    cmd,
                    cmd if a == "shell" else shlex.split(cmd),
                    {
                        "module_args": {
                            "_raw_params": cmd,
                            "_uses_shell": a == "shell",
                            "expand_argument_vars": True,
                            "stdin_add_newline": True,
                            "strip_empty_ends": True,
                            "cmd": None,
                            "argv": None,
                            "chdir": None,
                            "executable": None,
                            "creates": None,
                            "removes": None,
                            "stdin": None,
                        }
                    },
                )
            cmd, cmd_field, invocation = cached
            out = "" if failed and rng.random() < 0.5 else rng.choice(self.g.blobs)
            err = rng.choice(self.g.stderr_blobs)
            d = rng.uniform(0.004, 0.6 if a == "shell" else 0.05)
            if task.async_:
                d = max(1.0, j.end - j.start - 1.0)
            res = {
                "changed": j.changed,
                "stdout": out,
                "stderr": err,
                "rc": rc,
                "cmd": cmd_field,
                "start": local_ts(t_end - d),
                "end": local_ts(t_end),
                "delta": str(timedelta(seconds=round(d, 6))),
                "msg": "non-zero return code" if failed else "",
                "invocation": invocation,
                "stdout_lines": out.split("\n") if out else [],
                "stderr_lines": err.split("\n") if err else [],
            }
        elif a == "debug":
            if item is not None:
                msg = f"user {item}: uid={1000 + USERS.index(item)} shell=/bin/bash"
            else:
                msg = (
                    f"Deploying release 2026.03.{1 + task.idx % 9} to {j.host} "
                    f"(build {4800 + task.idx}, group {self.g.group[j.host]})"
                )
            return {
                "msg": msg,
                "_ansible_verbose_always": True,
                "changed": False,
                "_ansible_no_log": False,
            }
        elif a in ("copy", "template"):
            dest = task.args["dest"].replace("{{ item }}", item or "")
            changed = j.changed and not failed
            if failed:
                res = {"changed": False, "msg": FAIL_MSGS[a]}
            elif changed:
                ts = T0 + t_end - 1.2
                tmp = f"/root/.ansible/tmp/ansible-tmp-{ts:.7f}-{rng.randint(2000, 60000)}-"
                tmp += str(rng.getrandbits(47))
                ext = dest.rsplit(".", 1)[-1] if "." in dest else "txt"
                src = f"{tmp}/.source.{ext}"
                ck = f"{rng.getrandbits(160):040x}"
                res = {
                    "diff": [],
                    "dest": dest,
                    "src": src,
                    "md5sum": f"{rng.getrandbits(128):032x}",
                    "checksum": ck,
                    "changed": True,
                    "uid": 0,
                    "gid": 0,
                    "owner": "root",
                    "group": "root",
                    "mode": task.args.get("mode", "0644"),
                    "state": "file",
                    "size": rng.randint(80, 6000),
                    "invocation": {
                        "module_args": {
                            "dest": dest,
                            "src": src,
                            "mode": task.args.get("mode"),
                            "follow": False,
                            "_original_basename": task.args["src"].rsplit("/", 1)[-1],
                            "checksum": ck,
                            "backup": False,
                            "force": True,
                            "remote_src": False,
                            "unsafe_writes": False,
                            "content": None,
                            "validate": None,
                            "directory_mode": None,
                            "local_follow": None,
                            "owner": None,
                            "group": None,
                            "seuser": None,
                            "serole": None,
                            "selevel": None,
                            "setype": None,
                            "attributes": None,
                        }
                    },
                }
            else:
                res = {
                    "changed": False,
                    "diff": {"before": {"path": dest}, "after": {"path": dest}},
                    "path": dest,
                    "mode": task.args.get("mode", "0644"),
                    "uid": 0,
                    "gid": 0,
                    "owner": "root",
                    "group": "root",
                    "size": rng.randint(80, 6000),
                    "state": "file",
                    "checksum": f"{rng.getrandbits(160):040x}",
                    "dest": dest,
                    "invocation": {
                        "module_args": {
                            "mode": task.args.get("mode", "0644"),
                            "dest": dest,
                            "_original_basename": task.args["src"].rsplit("/", 1)[-1],
                            "recurse": False,
                            "state": "file",
                            "path": dest,
                            "force": False,
                            "follow": True,
                            "modification_time_format": "%Y%m%d%H%M.%S",
                            "access_time_format": "%Y%m%d%H%M.%S",
                            "unsafe_writes": False,
                            "_diff_peek": None,
                            "src": None,
                            "modification_time": None,
                            "access_time": None,
                            "owner": None,
                            "group": None,
                            "seuser": None,
                            "serole": None,
                            "selevel": None,
                            "setype": None,
                            "attributes": None,
                        }
                    },
                }
        elif a == "package":
            name = item or task.args["name"]
            changed = j.changed and not failed
            args = {
                "name": name,
                "state": "present",
                "package": [name],
                "update_cache_retries": 5,
                "update_cache_retry_max_delay": 12,
                "cache_valid_time": 0,
                "purge": False,
                "force": False,
                "upgrade": None,
                "dpkg_options": "force-confdef,force-confold",
                "autoremove": False,
                "autoclean": False,
                "fail_on_autoremove": False,
                "only_upgrade": False,
                "force_apt_get": False,
                "clean": False,
                "allow_unauthenticated": False,
                "allow_downgrade": False,
                "allow_change_held_packages": False,
                "lock_timeout": 60,
                "auto_install_module_deps": True,
                "update_cache": None,
                "deb": None,
                "default_release": None,
                "install_recommends": None,
                "policy_rc_d": None,
            }
            if failed:
                res = {"changed": False, "msg": FAIL_MSGS[a], "invocation": {"module_args": args}}
            elif changed:
                out = (
                    "Reading package lists...\nBuilding dependency tree...\n"
                    "Reading state information...\nThe following NEW packages will be installed:\n"
                    f"  {name}\n0 upgraded, 1 newly installed, 0 to remove and 12 not upgraded.\n"
                    "Need to get 412 kB of archives.\n"
                    f"Unpacking {name} ...\nSetting up {name} ...\n" + rng.choice(self.g.blobs)
                )
                res = {
                    "cache_update_time": 1772400000 + task.idx,
                    "cache_updated": False,
                    "changed": True,
                    "stdout": out,
                    "stderr": "",
                    "stdout_lines": out.split("\n"),
                    "stderr_lines": [],
                    "diff": {},
                    "invocation": {"module_args": args},
                }
            else:
                res = {
                    "changed": False,
                    "cache_updated": False,
                    "cache_update_time": 1772400000 + task.idx,
                    "invocation": {"module_args": args},
                }
        elif a == "file":
            path = item or task.args["path"]
            changed = j.changed and not failed
            if failed:
                res = {"changed": False, "msg": FAIL_MSGS[a], "path": path}
            else:
                res = {
                    "path": path,
                    "changed": changed,
                    "diff": {
                        "before": {"path": path, "state": "absent" if changed else "directory"},
                        "after": {"path": path, "state": "directory"},
                    },
                    "uid": 0,
                    "gid": 0,
                    "owner": "root",
                    "group": "root",
                    "mode": "0755",
                    "state": "directory",
                    "size": 4096,
                    "invocation": {
                        "module_args": {
                            "path": path,
                            "state": "directory",
                            "mode": task.args.get("mode"),
                            "recurse": False,
                            "force": False,
                            "follow": True,
                            "unsafe_writes": False,
                            "owner": None,
                            "group": None,
                        }
                    },
                }
        elif a == "lineinfile":
            changed = j.changed and not failed
            path = task.args["path"]
            line = f"{item} 10" if item else task.args["line"]
            if failed:
                res = {"changed": False, "rc": 257, "msg": FAIL_MSGS[a]}
            else:
                res = {
                    "changed": changed,
                    "msg": "line replaced" if changed else "",
                    "backup": "",
                    "diff": [
                        {
                            "before": "",
                            "after": "",
                            "before_header": f"{path} (content)",
                            "after_header": f"{path} (content)",
                        },
                        {
                            "before_header": f"{path} (file attributes)",
                            "after_header": f"{path} (file attributes)",
                        },
                    ],
                    "invocation": {
                        "module_args": {
                            "path": path,
                            "regexp": f"^{line.split()[0]}",
                            "line": line,
                            "state": "present",
                            "backrefs": False,
                            "create": False,
                            "backup": False,
                            "firstmatch": False,
                            "unsafe_writes": False,
                            "search_string": None,
                            "insertafter": None,
                            "insertbefore": None,
                            "validate": None,
                            "mode": None,
                            "owner": None,
                            "group": None,
                        }
                    },
                }
        else:  # service (handlers)
            name = task.args["name"]
            res = {
                "name": name,
                "changed": True,
                "state": "started",
                "status": {
                    "ActiveState": "active",
                    "SubState": "running",
                    "LoadState": "loaded",
                    "UnitFileState": "enabled",
                    "MainPID": str(rng.randint(300, 90000)),
                    "ExecMainStartTimestamp": "Mon 2026-03-02 07:41:12 UTC",
                    "FragmentPath": f"/usr/lib/systemd/system/{name}.service",
                    "Description": f"{name} service",
                    "Restart": "on-failure",
                    "Type": "notify",
                    "User": "root",
                    "MemoryCurrent": str(rng.randint(10**6, 10**9)),
                    "TasksCurrent": str(rng.randint(1, 64)),
                    "NRestarts": "0",
                    "Result": "success",
                },
                "invocation": {
                    "module_args": {
                        "name": name,
                        "state": "restarted",
                        "daemon_reload": False,
                        "daemon_reexec": False,
                        "scope": "system",
                        "no_block": False,
                        "enabled": None,
                        "force": None,
                        "masked": None,
                    }
                },
            }
        if failed:
            res["exception"] = "(traceback unavailable)"
        if no_log_key:
            res["_ansible_no_log"] = False
        return res


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def estimate_events(hosts: int, tasks: int, strategy: str = "linear", loop_every: int = 10) -> int:
    """Rough number of events ``generate_run`` makes for this size."""
    per = 2.0 + (3.6 * 0.75 / loop_every if loop_every else 0.0) + 0.04
    if strategy == "free":
        per += 1.0
    return int(hosts * tasks * per + tasks + hosts * 0.5)


def size_for_events(
    events: int,
    *,
    strategy: str = "linear",
    loop_every: int = 10,
    hosts: int | None = None,
    tasks: int | None = None,
) -> tuple[int, int]:
    """Pick (hosts, tasks) for about ``events`` events; keeps whichever one is given."""
    if hosts is not None and tasks is not None:
        raise ValueError("give at most one of hosts and tasks with events")
    per_ht = estimate_events(1000, 1000, strategy, loop_every) / 1e6
    if hosts is not None:
        return hosts, max(1, round(events / (hosts * per_ht)))
    tasks = tasks or 100
    return max(1, round(events / (tasks * per_ht))), tasks


def generate_run(
    out_dir: Path,
    *,
    hosts: int,
    tasks: int,
    strategy: str = "linear",
    seed: int = 0,
    ident: str | None = None,
    failure_rate: float = 0.002,
    loop_every: int = 10,
    unreachable: int = 2,
    serial: int = 0,
    forks: int = 50,
    plays: int = 0,
    playbook: str = PLAYBOOK,
    started: float = T0,
    force: bool = False,
) -> Path:
    """Write a complete ansible-runner artifact folder under ``out_dir``; return the ident dir.

    ``out_dir`` plays the private data dir: ``out_dir/artifacts/<ident>/job_events/...``.
    ``serial`` > 0 runs every play in batches of that many hosts (play starts repeat as
    ``<play_uuid>_N``). ``plays`` > 0 splits the tasks evenly over that many plays (by
    default 1-4 plays, by the number of tasks). ``playbook`` names the playbook file and
    ``started`` is the run's start (a POSIX time). Raises FileExistsError if the ident dir
    exists, unless ``force``.
    """
    global PLAYBOOK, PLAYBOOK_PATH, T0
    saved = PLAYBOOK, PLAYBOOK_PATH, T0
    # the event writers read these module constants: set them for this run only
    PLAYBOOK, PLAYBOOK_PATH, T0 = playbook, f"{PROJECT}/{playbook}", started
    try:
        return _generate_run(
            Path(out_dir),
            hosts=hosts,
            tasks=tasks,
            strategy=strategy,
            seed=seed,
            ident=ident,
            failure_rate=failure_rate,
            loop_every=loop_every,
            unreachable=unreachable,
            serial=serial,
            forks=forks,
            plays=plays,
            force=force,
        )
    finally:
        PLAYBOOK, PLAYBOOK_PATH, T0 = saved


def _generate_run(
    out_dir: Path,
    *,
    hosts: int,
    tasks: int,
    strategy: str,
    seed: int,
    ident: str | None,
    failure_rate: float,
    loop_every: int,
    unreachable: int,
    serial: int,
    forks: int,
    plays: int,
    force: bool,
) -> Path:
    ident = ident or f"{strategy}-{hosts}h{tasks}t-s{seed}"
    ident_dir = out_dir / "artifacts" / ident
    if ident_dir.exists():
        if not force:
            raise FileExistsError(f"{ident_dir} exists (use force=True / --force)")
        shutil.rmtree(ident_dir)
    gen = _Generator(
        out_dir,
        hosts=hosts,
        tasks=tasks,
        strategy=strategy,
        seed=seed,
        ident=ident,
        failure_rate=failure_rate,
        loop_every=loop_every,
        unreachable=unreachable,
        serial=serial,
        forks=forks,
        plays=plays,
    )
    (out_dir / "artifacts").mkdir(parents=True, exist_ok=True)
    ident_dir.mkdir(mode=0o700)
    (ident_dir / "job_events").mkdir(mode=0o700)
    (ident_dir / "fact_cache").mkdir()
    for sub, text in (
        ("project", "\n".join(gen.yaml_lines)),
        ("inventory", _inventory(gen)),
    ):
        (out_dir / sub).mkdir(exist_ok=True)
        (out_dir / sub / (PLAYBOOK if sub == "project" else "hosts")).write_text(text)

    w = _Writer(gen, ident_dir)
    _write_small(ident_dir / "status", "running")
    try:
        w.inventory_warning()
        w.playbook_start()
        gen.simulate(w.emit)
        w.stats_event(w.last_t + 0.05)
    finally:
        w.close()

    rc = 4 if w.stats["dark"] else 2 if w.stats["failures"] else 0
    stdout = "".join(s + "\n" for s in w.stdout_parts)
    _write_small(ident_dir / "stdout", stdout)
    _write_small(ident_dir / "stderr", "", mode=0o644)
    _write_small(
        ident_dir / "command",
        json.dumps(
            {
                "command": ["ansible-playbook", "-i", "/runner/inventory", PLAYBOOK],
                "cwd": PROJECT,
                "env": {
                    "ANSIBLE_STDOUT_CALLBACK": "awx_display",
                    "ANSIBLE_RETRY_FILES_ENABLED": "False",
                    "ANSIBLE_HOST_KEY_CHECKING": "False",
                    "AWX_ISOLATED_DATA_DIR": f"/runner/artifacts/{ident}",
                    "RUNNER_OMIT_EVENTS": "False",
                    "RUNNER_ONLY_FAILED_EVENTS": "False",
                },
            }
        ),
    )
    _write_small(ident_dir / "rc", str(rc))
    _write_small(ident_dir / "status", "successful" if rc == 0 else "failed")
    LAST_RUN.clear()
    LAST_RUN.update(events=w.counter, bytes=w.bytes, rc=rc, hosts=hosts, tasks=tasks)
    return ident_dir


LAST_RUN: dict[str, int] = {}
"""Facts about the latest ``generate_run`` in this process: events, bytes (JSON), rc, ..."""


def _write_small(path: Path, text: str, mode: int = 0o600) -> None:
    fd = os.open(path, _OPEN_FLAGS, mode)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _inventory(gen: _Generator) -> str:
    out = []
    for g, _ in GROUPS:
        out.append(f"[{g}]")
        out.extend(h for h in gen.hosts if gen.group[h] == g)
        out.append("")
    out.append("[fleet:children]")
    out.extend(g for g, _ in GROUPS)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out_dir", type=Path, help="private data dir to write (artifacts/<ident>/...)")
    p.add_argument("--hosts", type=int)
    p.add_argument("--tasks", type=int)
    p.add_argument("--events", type=int, help="pick hosts (or tasks) to reach about N events")
    p.add_argument("--strategy", choices=("linear", "free"), default="linear")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ident")
    p.add_argument("--failure-rate", type=float, default=0.002)
    p.add_argument("--loop-every", type=int, default=10, help="every Nth task loops (0: none)")
    p.add_argument("--unreachable", type=int, default=2, help="hosts that go unreachable")
    p.add_argument("--serial", type=int, default=0, help="batch size for every play (0: off)")
    p.add_argument("--forks", type=int, default=50)
    p.add_argument("--plays", type=int, default=0, help="split the tasks over N plays")
    p.add_argument("--force", action="store_true", help="replace an existing ident dir")
    a = p.parse_args(argv)
    if a.events:
        if a.hosts is not None and a.tasks is not None:
            p.error("--events takes at most one of --hosts / --tasks")
        hosts, tasks = size_for_events(
            a.events, strategy=a.strategy, loop_every=a.loop_every, hosts=a.hosts, tasks=a.tasks
        )
    else:
        hosts = a.hosts if a.hosts is not None else 1000
        tasks = a.tasks if a.tasks is not None else 100
    t0 = time.perf_counter()
    ident_dir = generate_run(
        a.out_dir,
        hosts=hosts,
        tasks=tasks,
        strategy=a.strategy,
        seed=a.seed,
        ident=a.ident,
        failure_rate=a.failure_rate,
        loop_every=a.loop_every,
        unreachable=a.unreachable,
        serial=a.serial,
        forks=a.forks,
        plays=a.plays,
        force=a.force,
    )
    dt = time.perf_counter() - t0
    n = LAST_RUN["events"]
    print(ident_dir)
    print(
        f"{n} events ({hosts} hosts x {tasks} tasks, {a.strategy}) in {dt:.2f} s "
        f"= {n / dt:,.0f} events/s; {LAST_RUN['bytes'] / 1e6:.1f} MB of JSON; "
        f"rc={LAST_RUN['rc']}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
