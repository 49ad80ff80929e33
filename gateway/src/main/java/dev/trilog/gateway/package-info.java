package dev.trilog.gateway;
