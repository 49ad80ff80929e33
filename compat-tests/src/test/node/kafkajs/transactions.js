// Usage: node transactions.js <bootstrap> <topic> <group>
// A kafkajs transactional producer: one committed transaction with offsets sent to it
// (sendOffsets), one aborted; then a read_committed consumer (kafkajs' default) in a group reads
// the topic from the beginning. Prints one JSON line: the values seen and the group's offsets.
const { Kafka, logLevel, Partitioners } = require('kafkajs')

const [bootstrap, topic, groupId] = process.argv.slice(2)
const kafka = new Kafka({ clientId: 'trilog-compat-txn', brokers: [bootstrap], logLevel: logLevel.ERROR })

async function main () {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
  const producer = kafka.producer({
    transactionalId: 'kjs-txn', idempotent: true, maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner
  })
  await producer.connect()
  const committed = await producer.transaction()
  await committed.send({ topic, messages: [{ value: 'c1' }, { value: 'c2' }] })
  await committed.sendOffsets({ consumerGroupId: `${groupId}-upstream`, topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }] })
  await committed.commit()
  const aborted = await producer.transaction()
  await aborted.send({ topic, messages: [{ value: 'a1' }] })
  await aborted.abort()
  const last = await producer.transaction()
  await last.send({ topic, messages: [{ value: 'c3' }] })
  await last.commit()

  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, rebalanceTimeout: 10000 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen = []
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${JSON.stringify(seen)} arrived`)), 30000)
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value.toString())
        if (seen.length === 3) { setTimeout(() => { clearTimeout(timer); resolve() }, 1000) }
      }
    })
  })
  await consumer.disconnect()
  const upstream = await admin.fetchOffsets({ groupId: `${groupId}-upstream`, topics: [topic] })
  await producer.disconnect()
  await admin.disconnect()
  console.log(JSON.stringify({ seen, upstream }))
}

main().catch(e => { console.error(`FAILED ${e.name}: ${e.message}`); process.exit(1) })
