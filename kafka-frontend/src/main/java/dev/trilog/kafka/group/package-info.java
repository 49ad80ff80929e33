/**
 * Consumer groups: the classic group protocol's coordinator and its state machine, committed
 * offsets, and the handlers of the group APIs, registered by {@link dev.trilog.kafka.group.GroupApis}.
 */
package dev.trilog.kafka.group;
