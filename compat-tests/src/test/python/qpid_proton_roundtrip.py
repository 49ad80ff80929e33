"""python-qpid-proton (Debian's 0.37) against Trilog's AMQP 1.0 port.

Sends COUNT messages to /queue/QUEUE (declared by the v1 address) with a string body and
application properties, reads them back from /queues/QUEUE accepting each one but the first,
which it releases once and receives again; then sends one through amq.topic. Prints one line of
key=value pairs for the Java test to check.
"""
import sys

from proton import Message
from proton.utils import BlockingConnection

url, queue, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

conn = BlockingConnection(url, user="guest", password="guest", allowed_mechs="PLAIN")
sender = conn.create_sender("/queue/" + queue)
for i in range(count):
    sender.send(Message(body="m%d" % i, properties={"n": i, "colour": "blue"}, subject="s%d" % i))

receiver = conn.create_receiver("/queues/" + queue, credit=count)
first = receiver.receive(timeout=10)
receiver.release(delivered=False)  # released: back to the queue, count unchanged
bodies = []
redelivered_first = None
for _ in range(count):
    m = receiver.receive(timeout=10)
    if m.body == first.body:
        redelivered_first = m.delivery_count
    bodies.append(m.body)
    receiver.accept()

topic_receiver = conn.create_receiver("/topic/py.news")
topic_sender = conn.create_sender("/exchanges/amq.topic/py.news")
topic_sender.send(Message(body="news"))
news = topic_receiver.receive(timeout=10)
topic_receiver.accept()
conn.close()

print("received=%d distinct=%d first=%s first_delivery_count=%s properties_ok=%s news=%s" % (
    len(bodies), len(set(bodies)), first.body, redelivered_first,
    first.properties.get("colour") == "blue" and first.properties.get("n") == 0, news.body))
