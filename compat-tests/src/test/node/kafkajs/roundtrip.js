// Usage: node roundtrip.js <bootstrap> <topic> <group>
// Creates the topic, produces keyed messages with an idempotent gzip producer, reads them back
// in a consumer group from the beginning, commits, and prints one JSON line with what it saw.
const { Kafka, logLevel, CompressionTypes, Partitioners } = require('kafkajs')

const [bootstrap, topic, groupId] = process.argv.slice(2)
const kafka = new Kafka({ clientId: 'trilog-compat', brokers: [bootstrap], logLevel: logLevel.ERROR })

async function main () {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  const messages = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 4}`, value: `v${i}` }))
  await producer.send({ topic, compression: CompressionTypes.GZIP, messages })
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, rebalanceTimeout: 10000 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen = []
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} messages arrived`)), 30000)
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({ partition, offset: Number(message.offset), key: message.key.toString(), value: message.value.toString() })
        if (seen.length === messages.length) { clearTimeout(timer); resolve() }
      }
    })
  })
  await consumer.disconnect()
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] })
  await producer.disconnect()
  await admin.disconnect()
  console.log(JSON.stringify({ seen, committed }))
}

main().catch(e => { console.error(`FAILED ${e.name}: ${e.message}`); process.exit(1) })
