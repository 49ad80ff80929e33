/**
 * The SQS HTTP API (AWS JSON 1.0 and Query) on Undertow. Not yet implemented: see the
 * README's status table.
 */
package dev.trilog.sqs;
