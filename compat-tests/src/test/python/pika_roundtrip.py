"""pika (Python, BlockingConnection) against Trilog: declare, confirmed publishes, basic_get,
a consumer with prefetch and acks, a reject that dead-letters, and a passive declare of a
missing queue (404). Prints key=value pairs on its last line; exits non-zero on failure."""
import sys

import pika

port = int(sys.argv[1])
params = pika.ConnectionParameters(host="127.0.0.1", port=port,
                                   credentials=pika.PlainCredentials("guest", "guest"))
conn = pika.BlockingConnection(params)
ch = conn.channel()
ch.confirm_delivery()
ch.exchange_declare("py.dlx", "fanout", durable=True)
ch.queue_declare("py.dead", durable=True)
ch.queue_bind("py.dead", "py.dlx")
ch.queue_declare("py.work", durable=True, arguments={"x-dead-letter-exchange": "py.dlx"})
for i in range(10):
    ch.basic_publish("", "py.work", ("m%d" % i).encode(),
                     pika.BasicProperties(content_type="text/plain", headers={"n": i}, delivery_mode=2))

method, props, body = ch.basic_get("py.work", auto_ack=False)
got_first = body.decode()
got_header = props.headers["n"]
ch.basic_ack(method.delivery_tag)

ch.basic_qos(prefetch_count=3)
seen = []
for method, props, body in ch.consume("py.work", inactivity_timeout=5):
    if method is None:
        break
    text = body.decode()
    seen.append(text)
    if text == "m5":
        ch.basic_reject(method.delivery_tag, requeue=False)
    else:
        ch.basic_ack(method.delivery_tag)
    if len(seen) == 9:
        break
ch.cancel()

dead = None
for _ in range(100):
    method, props, body = ch.basic_get("py.dead", auto_ack=True)
    if method is not None:
        dead = body.decode()
        break
    conn.sleep(0.02)

missing = None
probe = conn.channel()
try:
    probe.queue_declare("py.missing", passive=True)
except pika.exceptions.ChannelClosedByBroker as e:
    missing = e.reply_code
conn.close()
print("first=%s header=%s seen=%s dead=%s missing=%s" % (got_first, got_header, ",".join(seen), dead, missing))
