"""confluent-kafka (librdkafka) transactions against Trilog.

Usage: confluent_kafka_transactions.py BOOTSTRAP TOPIC
Commits one transaction of 10 records and aborts one of 5, then a read_committed consumer and a
read_uncommitted one read the topic. Prints one line of key=value pairs: what each saw.
"""
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer

bootstrap, topic = sys.argv[1], sys.argv[2]

producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": "py-txn", "linger.ms": 5})
producer.init_transactions(30)
producer.begin_transaction()
for i in range(10):
    producer.produce(topic, key="k", value=f"committed-{i}", partition=0)
producer.commit_transaction(30)
producer.begin_transaction()
for i in range(5):
    producer.produce(topic, key="k", value=f"aborted-{i}", partition=0)
producer.flush(30)
producer.abort_transaction(30)


def read(isolation):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"py-{isolation}",
                         "auto.offset.reset": "earliest", "isolation.level": isolation,
                         "enable.auto.commit": False})
    consumer.subscribe([topic])
    values = []
    quiet_since = time.time()
    deadline = time.time() + 60
    # read until nothing new arrives for 3 s (the aborted records must not come at all)
    while time.time() < deadline and time.time() - quiet_since < 3:
        message = consumer.poll(0.3)
        if message is None:
            continue
        if message.error():
            raise KafkaException(message.error())
        values.append(message.value().decode())
        quiet_since = time.time()
    consumer.close()
    return values


committed_view = read("read_committed")
uncommitted_view = read("read_uncommitted")
print(" ".join([
    f"read_committed={len(committed_view)}",
    f"read_committed_aborted={sum(v.startswith('aborted') for v in committed_view)}",
    f"read_committed_in_order={committed_view == [f'committed-{i}' for i in range(10)]}",
    f"read_uncommitted={len(uncommitted_view)}",
]))
