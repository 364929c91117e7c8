#!/usr/bin/env python3
"""Run `jianfu simulate` sharded on Apache Spark and merge the shards exactly with `jianfu merge`.

    spark-submit jianfu_on_spark.py \
        --input pop.csv --jianfu .build/release/jianfu --policies Policies \
        --scenario 2017 --scenario 2018:reform.json \
        --partitions 8 --output out/

What happens:

1. The population (CSV with a header, or Parquet) is read into a DataFrame. CSV columns are all read as
   strings, so numbers reach jianfu exactly as written ("1,234.50", "25%", "1.5E+06" are jianfu's to read);
   cells with line breaks are read whole (multiLine; --no-multiline splits big files but must not meet one);
   a row whose cell count differs from the header is passed on verbatim, so jianfu rejects it with the same
   reason as in a single run. Parquet values become text losslessly (integers, decimals and dates as stored,
   doubles by their shortest round-trip digits).
2. Spark turns each row into one RFC 4180 CSV record (`to_csv`: quotes doubled, cells with a comma, quote
   or line break quoted) and repartitions. Each partition's records, after the header, go to the standard
   input of one `jianfu simulate - --year Y [--reform F] --partial - --policies DIR` per scenario, run as a
   subprocess on the executor; each yields one partial (`jianfu-partial/2`: integer fen, counts, histogram,
   rule-pack hash, scenario, SHA-256 checksum).
3. The jianfu binary, the policy folder and the reform files travel with the job (`SparkContext.addFile`)
   and are found on each executor with `SparkFiles.get`.
4. The driver collects the partials, writes them under OUTPUT/partials/, and runs `jianfu merge` per
   scenario: OUTPUT/<scenario>.partial (the merged partial), .json and .txt (the reports).

Nothing is lost quietly: a jianfu that exits non-zero fails the Spark task with jianfu's standard error in
the message; a partial whose row count differs from the rows sent fails the task; every partition of every
scenario must come back exactly once; an empty partition still sends the header and yields a valid empty
partial. Rejected rows are listed in OUTPUT/rejects.tsv (partition, line in that partition's CSV, reason).
"""

import argparse
import csv
import decimal
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

RAW = "_jianfu_raw_line"  # Spark's corrupt-record column: the verbatim line of a row jianfu must reject
FLUSH_BYTES = 1 << 20  # bytes of CSV gathered before writing to the subprocesses


# ---------------------------------------------------------------------------------------------- arguments

class Scenario:
    """`YEAR` or `YEAR:REFORM.json`."""

    def __init__(self, text):
        year, _, reform = text.partition(":")
        if not re.fullmatch(r"\d{4}", year):
            raise argparse.ArgumentTypeError(f"scenario '{text}': expected YEAR or YEAR:REFORM.json, e.g. 2017 or 2018:reform.json")
        self.year = year
        self.reform = reform or None
        self.reform_name = os.path.basename(reform.rstrip("/")) if reform else None
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", os.path.splitext(self.reform_name)[0]) if reform else None
        self.label = f"{year}-{stem}" if stem else year

    def args(self, files):
        a = ["--year", self.year]
        if self.reform:
            a += ["--reform", files(self.reform_name)]
        return a

    def __repr__(self):
        return self.year + (":" + self.reform if self.reform else "")


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Run `jianfu simulate` sharded on Spark and merge the partials exactly.",
        epilog="Example: spark-submit jianfu_on_spark.py --input pop.csv --jianfu ./jianfu --policies Policies "
               "--scenario 2017 --scenario 2018:reform.json --partitions 8 --output out")
    p.add_argument("--input", required=True, help="population: a CSV file or folder (with a header), or Parquet; local path or URI (hdfs://, s3a://)")
    p.add_argument("--input-format", choices=["auto", "csv", "parquet"], default="auto", help="default: parquet if the path ends in .parquet, else csv")
    p.add_argument("--encoding", default="UTF-8", help="CSV character set, e.g. GB18030 (default UTF-8); jianfu is always fed UTF-8")
    p.add_argument("--no-multiline", action="store_true",
                   help="read CSV line by line (splittable, faster on one big file); only for data with no line breaks inside quoted cells")
    p.add_argument("--jianfu", required=True, help="the jianfu binary for the executors' platform (Linux; build with --static-swift-stdlib for a cluster without Swift)")
    p.add_argument("--policies", required=True, help="the policy folder (jianfu's --policies)")
    p.add_argument("--scenario", action="append", type=Scenario, required=True,
                   help="YEAR or YEAR:REFORM.json; repeat for several scenarios (each is merged on its own)")
    p.add_argument("--partitions", type=int, required=True, help="number of shards (one jianfu per shard and scenario)")
    p.add_argument("--output", required=True, help="output folder: local path, or a Hadoop URI (hdfs://…, s3a://…) the results are copied to")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the text report")
    a = p.parse_args(argv)
    if a.partitions < 1:
        p.error("--partitions must be at least 1")
    labels = [s.label for s in a.scenario]
    if len(set(labels)) != len(labels):
        p.error(f"a scenario is given twice: {labels}")
    reforms = {}
    for s in a.scenario:
        if s.reform and reforms.setdefault(s.reform_name, s.reform) != s.reform:
            p.error(f"two reform files are both named {s.reform_name}; rename one (they travel to the executors by file name)")
    if a.input_format == "auto":
        a.input_format = "parquet" if a.input.rstrip("/").lower().endswith(".parquet") else "csv"
    return a


# -------------------------------------------------------------------------------------------- text values

def shortest_decimal(v):
    """A float as the shortest decimal that reads back as the same float, without an exponent."""
    if v is None:
        return None
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError(f"{v} is not a number jianfu can read")
    return format(decimal.Decimal(repr(v)), "f")


def text_column(field):
    """A string Column with the text jianfu reads for this field (null stays null: an empty cell)."""
    c, t = F.col("`" + field.name.replace("`", "``") + "`"), field.dataType
    if isinstance(t, T.StringType):
        return c
    if isinstance(t, (T.BooleanType, T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.DecimalType, T.DateType)):
        return c.cast("string")  # true/false, digits, the decimal as stored, YYYY-MM-DD: all exact
    if isinstance(t, (T.FloatType, T.DoubleType)):
        return F.udf(shortest_decimal, T.StringType())(c)  # Java's double-to-text is not always the shortest
    raise SystemExit(f"jianfu_on_spark: column '{field.name}' has type {t.simpleString()}, which jianfu cannot read; "
                     "store it as string, number, boolean or date")


# Spark writes each row as one RFC 4180 CSV record: quotes doubled, cells with a comma, quote or line break quoted,
# white space kept (jianfu trims cells itself), null as an empty cell.
CSV_OPTIONS = {"quote": '"', "escape": '"', "ignoreLeadingWhiteSpace": "false", "ignoreTrailingWhiteSpace": "false"}


# -------------------------------------------------------------------------------------- executor side

def ensure_executable(path):
    mode = os.stat(path).st_mode
    want = stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
    if mode & want != want:
        try:
            os.chmod(path, mode | want)
        except PermissionError:
            if not os.access(path, os.X_OK):
                raise
    return path


def make_partition_runner(header, scenarios, binary_name, policies_name):
    """The function run on each partition of CSV records (captured here and shipped to the executors)."""

    def run(index, records):
        binary = ensure_executable(SparkFiles.get(binary_name))
        policies = SparkFiles.get(policies_name)
        procs = []
        try:
            for s in scenarios:
                cmd = [binary, "simulate", "-", "--input-format", "csv", "--encoding", "utf8", "--partial", "-",
                       "--policies", policies] + s.args(SparkFiles.get)
                rejects = None
                if not procs:  # rejected rows are the same in every scenario: list them once
                    rejects = tempfile.NamedTemporaryFile(prefix=f"jianfu-rejects-{index}-", suffix=".tsv", delete=False)
                    rejects.close()
                    cmd += ["--rejects", rejects.name]
                out = tempfile.TemporaryFile(prefix=f"jianfu-partial-{index}-")
                err = tempfile.TemporaryFile(prefix=f"jianfu-stderr-{index}-")
                entry = {"scenario": s, "cmd": cmd, "out": out, "err": err, "rejects": rejects, "proc": None}
                procs.append(entry)
                # stdout and stderr go to files, so a jianfu that writes much can never block on a full pipe
                entry["proc"] = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=err)

            def fail(entry, what):
                entry["proc"].wait()
                entry["err"].seek(0)
                stderr = entry["err"].read().decode("utf-8", "replace").strip()
                raise RuntimeError(f"jianfu failed on partition {index}, scenario {entry['scenario']!r}: {what} "
                                   f"(exit status {entry['proc'].returncode})\n  command: {' '.join(entry['cmd'])}\n"
                                   f"  jianfu's standard error:\n{stderr or '(empty)'}")

            def send(data):
                for e in procs:
                    try:
                        e["proc"].stdin.write(data)
                    except BrokenPipeError:
                        fail(e, "it stopped reading its input")

            chunk = [header, "\n"]
            size = 0
            sent = 0
            for (record,) in records:
                chunk.append(record)
                chunk.append("\n")
                size += len(record) + 1
                sent += 1
                if size >= FLUSH_BYTES:
                    send("".join(chunk).encode("utf-8"))
                    chunk, size = [], 0
            send("".join(chunk).encode("utf-8"))  # an empty partition still sends the header
            for e in procs:
                try:
                    e["proc"].stdin.close()
                except BrokenPipeError:
                    fail(e, "it stopped reading its input")

            for k, e in enumerate(procs):
                if e["proc"].wait() != 0:
                    fail(e, "non-zero exit")
                e["out"].seek(0)
                text = e["out"].read().decode("utf-8")
                try:
                    read = json.loads(text)["body"]["aggregates"][0]["read"]
                except Exception as x:
                    fail(e, f"its standard output is not a partial ({x}): {text[:200]!r}")
                if read != sent:
                    fail(e, f"it read {read} rows but {sent} were sent")
                rejects = ""
                if e["rejects"] is not None:
                    with open(e["rejects"].name, encoding="utf-8") as f:
                        rejects = "".join(f.readlines()[1:])
                yield (k, index, sent, text, rejects)
        finally:
            for e in procs:
                if e["proc"] is not None and e["proc"].poll() is None:
                    e["proc"].kill()
                    e["proc"].wait()
                e["out"].close()
                e["err"].close()
                if e["rejects"] is not None and os.path.exists(e["rejects"].name):
                    os.unlink(e["rejects"].name)

    return run


# ------------------------------------------------------------------------------------------ driver side

def read_population(spark, a):
    """The population as one column of CSV records (a row jianfu must reject stays its verbatim line), and the header."""
    if a.input_format == "parquet":
        df = spark.read.parquet(a.input)
        fields = df.schema.fields
        columns = [f.name for f in fields]
        records = df.select(F.to_csv(F.struct(*[text_column(f).alias(f.name) for f in fields]), CSV_OPTIONS).alias("record"))
    else:
        if a.encoding.replace("-", "").replace("_", "").lower() not in ("utf8", "usascii", "iso88591", "utf16", "utf16be", "utf16le", "utf32"):
            spark.conf.set("spark.sql.legacy.javaCharsets", "true")  # Spark 4 accepts GB18030 and the like only with this

        def reader():
            return (spark.read.option("header", True).option("quote", '"').option("escape", '"')
                    .option("encoding", a.encoding).option("multiLine", not a.no_multiline))
        columns = [c.lstrip("\ufeff") for c in reader().csv(a.input).columns]  # every column a string
        schema = T.StructType([T.StructField(c, T.StringType()) for c in columns] + [T.StructField(RAW, T.StringType())])
        df = (reader().schema(schema).option("enforceSchema", True).option("mode", "PERMISSIVE")
              .option("columnNameOfCorruptRecord", RAW).csv(a.input))
        cells = F.struct(*[F.col("`" + c.replace("`", "``") + "`") for c in columns])
        records = df.select(F.when(F.col(RAW).isNotNull(), F.col(RAW)).otherwise(F.to_csv(cells, CSV_OPTIONS)).alias("record"))
    header = io.StringIO()
    csv.writer(header, lineterminator="").writerow(columns)
    return records, header.getvalue()


def preflight(binary, policies, scenarios):
    """Runs each scenario once on the driver over no rows, so a wrong binary, policy folder or reform file
    fails at once with jianfu's own message instead of in every task."""
    ensure_executable(binary)
    for s in scenarios:
        cmd = [binary, "simulate", "-", "--input-format", "csv", "--partial", "-", "--policies", policies] + s.args(SparkFiles.get)
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as x:
            raise SystemExit(f"jianfu_on_spark: cannot run {binary}: {x}")
        if r.returncode != 0 or not r.stdout.startswith(b'{"body":'):
            raise SystemExit(f"jianfu_on_spark: scenario {s!r} does not run (exit {r.returncode}):\n"
                             f"{r.stderr.decode('utf-8', 'replace').strip()}")


def run_checked(cmd, stdout_path):
    with open(stdout_path, "wb") as out:
        r = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise SystemExit(f"jianfu_on_spark: {' '.join(cmd)} failed (exit {r.returncode}):\n{r.stderr.decode('utf-8', 'replace')}")
    if r.stderr:
        sys.stderr.write(r.stderr.decode("utf-8", "replace"))


def publish(local_dir, output, spark):
    """Copies the results to a Hadoop URI output (hdfs://, s3a://, …); a local output is written in place."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(output)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    for name in sorted(os.listdir(local_dir)):
        fs.copyFromLocalFile(False, True, jvm.org.apache.hadoop.fs.Path("file://" + os.path.join(local_dir, name)),
                             jvm.org.apache.hadoop.fs.Path(output.rstrip("/") + "/" + name))


def main(argv):
    a = parse_args(argv)
    started = time.time()
    spark = SparkSession.builder.appName("jianfu simulate " + " ".join(map(repr, a.scenario))).getOrCreate()
    sc = spark.sparkContext

    def local_or_uri(p):
        return p if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", p) else os.path.abspath(p)

    binary, policies = local_or_uri(a.jianfu), local_or_uri(a.policies.rstrip("/"))
    sc.addFile(binary)
    sc.addFile(policies, recursive=True)
    for s in a.scenario:
        if s.reform:
            sc.addFile(local_or_uri(s.reform))
    binary_name, policies_name = os.path.basename(binary), os.path.basename(policies)

    preflight(SparkFiles.get(binary_name), SparkFiles.get(policies_name), a.scenario)
    records, header = read_population(spark, a)
    runner = make_partition_runner(header, a.scenario, binary_name, policies_name)
    results = records.repartition(a.partitions).rdd.mapPartitionsWithIndex(runner).collect()
    job_seconds = time.time() - started

    # Every partition of every scenario exactly once, with the same row counts in every scenario.
    seen = {}
    for k, index, sent, _, _ in results:
        if (k, index) in seen:
            raise SystemExit(f"jianfu_on_spark: partition {index} of scenario {a.scenario[k]!r} came back twice")
        seen[(k, index)] = sent
    for k in range(len(a.scenario)):
        missing = [i for i in range(a.partitions) if (k, i) not in seen]
        if missing:
            raise SystemExit(f"jianfu_on_spark: partitions {missing} of scenario {a.scenario[k]!r} are missing")
        if any(seen[(k, i)] != seen[(0, i)] for i in range(a.partitions)):
            raise SystemExit("jianfu_on_spark: the scenarios were given different rows")
    rows = sum(seen[(0, i)] for i in range(a.partitions))

    local_out = a.output if "://" not in a.output else tempfile.mkdtemp(prefix="jianfu-spark-out-")
    os.makedirs(local_out, exist_ok=True)
    driver_binary = ensure_executable(SparkFiles.get(binary_name))
    driver_policies = SparkFiles.get(policies_name)
    summary = {"input": a.input, "partitions": a.partitions, "rows": rows, "scenarios": []}
    with open(os.path.join(local_out, "rejects.tsv"), "w", encoding="utf-8") as f:
        f.write("partition\tline\treason\n")
        for k, index, _, _, rejects in sorted(results, key=lambda r: r[1]):
            if k == 0:
                for line in rejects.splitlines():
                    f.write(f"{index}\t{line}\n")
    for k, s in enumerate(a.scenario):
        folder = os.path.join(local_out, "partials", s.label)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        files = []
        for _, index, _, text, _ in sorted((r for r in results if r[0] == k), key=lambda r: r[1]):
            path = os.path.join(folder, f"part-{index:05d}.partial")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            files.append(path)
        merged = os.path.join(local_out, s.label + ".partial")
        base = [driver_binary, "merge"] + files + ["--policies", driver_policies]
        run_checked(base + ["--format", "json", "--partial", merged], os.path.join(local_out, s.label + ".json"))
        run_checked(base + ["--format", "text", "--lang", a.lang], os.path.join(local_out, s.label + ".txt"))
        with open(os.path.join(local_out, s.label + ".json"), encoding="utf-8") as f:
            report = json.load(f)["scenarios"][0]
        summary["scenarios"].append({"scenario": repr(s), "label": s.label, "partials": len(files),
                                     "rows": report["rows"], "saving_low": report["saving_low"], "saving_high": report["saving_high"]})
        print(f"{s.label}: {report['rows']['read']} rows ({report['rows']['rejected']} rejected) in {len(files)} partials; "
              f"saving {report['saving_low']:,.2f} – {report['saving_high']:,.2f} 元 → {os.path.join(a.output, s.label + '.json')}")
    summary["seconds"] = round(time.time() - started, 3)
    summary["job_seconds"] = round(job_seconds, 3)
    with open(os.path.join(local_out, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=2)
        f.write("\n")
    if local_out != a.output:
        publish(local_out, a.output, spark)
        shutil.rmtree(local_out)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
