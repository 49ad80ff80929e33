// rhea against Trilog's AMQP 1.0 port: SASL PLAIN, a v1 address that declares its queue,
// accepted outcomes for sends, a released outcome for an unroutable send, and a receiver that
// releases one message with delivery-failed (it comes back with delivery-count 1) and accepts
// the rest. Prints one JSON line for RheaTest.
const rhea = require('rhea');

const [host, port, queue, count] = [process.argv[2], Number(process.argv[3]), process.argv[4], Number(process.argv[5])];
const container = rhea.create_container({ id: 'rhea-compat' });
const result = { accepted: 0, released: 0, received: [], redeliveredCount: null, colour: null };
let failedOnce = false;

const timer = setTimeout(() => { console.log('timed out ' + JSON.stringify(result)); process.exit(2); }, 30000);

container.on('connection_open', (context) => {
  const sender = context.connection.open_sender('/queue/' + queue);
  let sent = 0;
  sender.on('sendable', (ctx) => {
    while (sent < count && ctx.sender.sendable()) {
      ctx.sender.send({ body: 'r' + sent, application_properties: { colour: 'blue', n: sent } });
      sent++;
    }
  });
  sender.on('accepted', () => {
    result.accepted++;
    if (result.accepted === count) {
      const nowhere = context.connection.open_sender('/exchanges/amq.fanout');
      nowhere.on('sendable', (ctx) => {
        if (!nowhere.sentOne) { nowhere.sentOne = true; ctx.sender.send({ body: 'nobody' }); }
      });
      nowhere.on('released', () => {
        result.released++;
        // one credit at a time: rhea 3.0.5 writes the dispositions of one tick as a range with the
        // first one's outcome when the first two differ, which would release the accepted ones too
        const receiver = context.connection.open_receiver({ source: '/queues/' + queue, autoaccept: false, credit_window: 1 });
        receiver.on('message', (mctx) => {
          if (!failedOnce) {
            failedOnce = true;
            mctx.delivery.release({ delivery_failed: true });
            return;
          }
          if (mctx.message.body === 'r0') {
            result.redeliveredCount = mctx.message.delivery_count;
          }
          result.colour = mctx.message.application_properties.colour;
          result.received.push(mctx.message.body);
          mctx.delivery.accept();
          if (result.received.length === count) {
            clearTimeout(timer);
            console.log(JSON.stringify(result));
            context.connection.close();
          }
        });
      });
    }
  });
});

container.on('error', (e) => { console.log('error ' + e); process.exit(1); });
container.connect({ host, port, username: 'guest', password: 'guest', reconnect: false });
