package dev.trilog.log;
