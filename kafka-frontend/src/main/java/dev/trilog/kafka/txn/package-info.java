/**
 * Producer ids and transactions: the transaction coordinator, its durable log, and the handlers of
 * the transaction APIs, registered by {@link dev.trilog.kafka.txn.TransactionApis}.
 */
package dev.trilog.kafka.txn;
