#!/usr/bin/env bash
# Kafka produce with and without a /metrics scraper (1 s), alternating, fresh broker each run.
set -uo pipefail
REPO=/work/main; T=$REPO/bench/kafka/target; CP="$T/lib-tools/*"
JAR=$REPO/gateway/target/trilog.jar; TICK=$(getconf CLK_TCK)
printf 'rep\tmode\trec_per_sec\tmb_per_sec\tbroker_cpu_s\tcpu_s_per_M\tscrapes\n'
for rep in 1 2 3; do
  for mode in plain scraped; do
    [[ $rep == 2 ]] && { [[ $mode == plain ]] && mode=scraped || mode=plain; }
    d=$(mktemp -d); java -Xms1g -Xmx1g -jar $JAR serve --data-dir $d --kafka-port 29092 --amqp-port 0 --sqs-port 0 --admin-port 28080 >$d/log 2>&1 &
    pid=$!; for _ in $(seq 1 60); do (echo >/dev/tcp/127.0.0.1/29092) 2>/dev/null && break; sleep 0.5; done
    java -cp "$CP" org.apache.kafka.tools.ProducerPerformance --topic warm --num-records 300000 --record-size 1024 --throughput -1 --producer-props bootstrap.servers=127.0.0.1:29092 acks=all >/dev/null 2>&1
    scrapes=0; sp=""
    if [[ $mode == scraped ]]; then
      (while true; do curl -s -o /dev/null http://127.0.0.1:28080/metrics; sleep 1; done) & sp=$!
    fi
    b=$(awk '{print $14+$15}' /proc/$pid/stat)
    out=$(java -cp "$CP" org.apache.kafka.tools.ProducerPerformance --topic t --num-records 2000000 --record-size 1024 --throughput -1 --producer-props bootstrap.servers=127.0.0.1:29092 acks=all 2>&1 | tail -1)
    a=$(awk '{print $14+$15}' /proc/$pid/stat)
    [[ -n $sp ]] && kill $sp
    rps=$(grep -o '[0-9.]* records/sec' <<<"$out" | cut -d' ' -f1); mbs=$(grep -o '([0-9.]* MB/sec)' <<<"$out" | tr -d '(' | cut -d' ' -f1)
    cpu=$(awk -v t=$((a-b)) -v hz=$TICK 'BEGIN{printf "%.2f", t/hz}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' $rep $mode $rps $mbs $cpu $(awk -v c=$cpu 'BEGIN{printf "%.2f", c/2}')
    kill $pid; wait $pid 2>/dev/null; rm -rf $d
  done
done
