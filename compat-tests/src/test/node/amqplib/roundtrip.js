// amqplib against Trilog: declarations, confirmed publishes, a prefetch-limited consumer with
// acks, a nack that dead-letters, and a passive check of a missing queue (404).
// Prints one JSON line with what it saw; exits non-zero on any failure.
const amqp = require('amqplib');

async function main() {
  const url = process.argv[2];
  const conn = await amqp.connect(url);
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange('js.events', 'topic', { durable: true });
  await ch.assertExchange('js.dlx', 'fanout', { durable: true });
  await ch.assertQueue('js.dead', { durable: true });
  await ch.bindQueue('js.dead', 'js.dlx', '');
  const q = await ch.assertQueue('js.work', { durable: true, deadLetterExchange: 'js.dlx' });
  await ch.bindQueue(q.queue, 'js.events', 'order.*');

  for (let i = 0; i < 20; i++) {
    ch.publish('js.events', 'order.created', Buffer.from('m' + i),
      { contentType: 'text/plain', headers: { n: i }, persistent: true });
  }
  await ch.waitForConfirms();

  const consumer = await conn.createChannel();
  await consumer.prefetch(5);
  const seen = [];
  let maxUnacked = 0;
  let unacked = 0;
  await new Promise((resolve, reject) => {
    consumer.consume('js.work', (msg) => {
      unacked++;
      maxUnacked = Math.max(maxUnacked, unacked);
      const body = msg.content.toString();
      seen.push(body);
      setTimeout(() => {
        unacked--;
        if (body === 'm7') {
          consumer.nack(msg, false, false); // dead-lettered
        } else {
          consumer.ack(msg);
        }
        if (seen.length === 20) {
          resolve();
        }
      }, 5);
    }).catch(reject);
  });

  let dead = null;
  for (let i = 0; i < 200 && !dead; i++) {
    dead = await ch.get('js.dead', { noAck: true });
    if (!dead) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  let missing = null;
  const probe = await conn.createChannel();
  probe.on('error', () => {});
  try {
    await probe.checkQueue('js.missing');
  } catch (e) {
    missing = e.code;
  }

  console.log(JSON.stringify({
    seen,
    maxUnacked,
    dead: dead ? dead.content.toString() : null,
    deathReason: dead ? String(dead.properties.headers['x-first-death-reason']) : null,
    missing,
  }));
  await conn.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
