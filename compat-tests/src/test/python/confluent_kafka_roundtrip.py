"""confluent-kafka (Python over librdkafka) against Trilog: admin, idempotent producer, group consumer.

Usage: confluent_kafka_roundtrip.py BOOTSTRAP TOPIC COUNT
Creates TOPIC with 3 partitions, produces COUNT keyed records (idempotent, lz4), reads them back in
consumer group "py-readers", commits, and prints one line of key=value pairs with what it saw. Exits non-zero on
any client error, so the calling test sees librdkafka's own message.
"""
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

admin = AdminClient({"bootstrap.servers": bootstrap})
for future in admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)]).values():
    future.result(timeout=30)

errors = []
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "compression.type": "lz4",
                     "linger.ms": 5})
for i in range(count):
    producer.produce(topic, key=f"key-{i % 7}", value=f"value-{i}",
                     on_delivery=lambda err, msg: err and errors.append(str(err)))
remaining = producer.flush(30)
if remaining or errors:
    raise SystemExit(f"produce failed: {remaining} undelivered, errors {errors[:3]}")

consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-readers", "auto.offset.reset": "earliest",
                     "enable.auto.commit": False})
consumer.subscribe([topic])
seen = {}
deadline = time.time() + 60
while sum(len(v) for v in seen.values()) < count and time.time() < deadline:
    message = consumer.poll(0.5)
    if message is None:
        continue
    if message.error():
        raise KafkaException(message.error())
    seen.setdefault(message.partition(), []).append(
        (message.offset(), message.key().decode(), message.value().decode()))
consumer.commit(asynchronous=False)
committed = consumer.committed([tp for tp in consumer.assignment()], timeout=30)
consumer.close()

# per partition: offsets consecutive from 0, and one key always lands on one partition
in_order = all([o for o, _, _ in records] == list(range(len(records))) for records in seen.values())
key_partitions = {}
for partition, records in seen.items():
    for _, key, _ in records:
        key_partitions.setdefault(key, set()).add(partition)
summary = {
    "received": sum(len(v) for v in seen.values()),
    "distinct_values": len({value for records in seen.values() for _, _, value in records}),
    "in_order": in_order,
    "keys_on_one_partition": all(len(p) == 1 for p in key_partitions.values()),
    "committed": sum(tp.offset for tp in committed),
}
print(" ".join(f"{key}={value}" for key, value in summary.items()))
