#!/usr/bin/env bash
# Resolve ElasticMQ (the server, 1.7.1) and the bench client (aws-sdk-java-v2 SQS, the version
# the root pom pins, with its Apache HTTP client, plus HdrHistogram) from Maven Central into
# bench/sqs/target/lib-elasticmq and .../lib-client, using the repo's Maven wrapper and a
# throwaway pom per classpath (so the two never share dependency mediation). Idempotent.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
ELASTICMQ_VERSION="${ELASTICMQ_VERSION:-1.7.1}"
AWSSDK_VERSION="$(sed -n 's:.*<awssdk.version>\(.*\)</awssdk.version>.*:\1:p' "$REPO/pom.xml")"
HDR_VERSION="$(sed -n 's:.*<hdrhistogram.version>\(.*\)</hdrhistogram.version>.*:\1:p' "$REPO/pom.xml")"
DEP_PLUGIN_VERSION=3.9.0
mkdir -p "$T/poms"

# $1 = name, $2 = output dir, $3.. = "groupId:artifactId:version" dependencies
make_pom() {
  local name=$1 out=$2; shift 2
  local deps=""
  for gav in "$@"; do
    IFS=: read -r g a v <<<"$gav"
    deps+="    <dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>
"
  done
  mkdir -p "$T/poms/$name"
  cat >"$T/poms/$name/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.trilog.bench</groupId>
  <artifactId>$name</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
$deps  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>$DEP_PLUGIN_VERSION</version>
        <configuration>
          <outputDirectory>$out</outputDirectory>
          <includeScope>runtime</includeScope>
          <overWriteIfNewer>true</overWriteIfNewer>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
  echo "== resolving $name into $out"
  "$REPO/mvnw" -B -q -f "$T/poms/$name/pom.xml" dependency:copy-dependencies
}

make_pom lib-elasticmq "$T/lib-elasticmq" "org.elasticmq:elasticmq-server_2.13:$ELASTICMQ_VERSION"
make_pom lib-client "$T/lib-client" "software.amazon.awssdk:sqs:$AWSSDK_VERSION" \
  "software.amazon.awssdk:apache-client:$AWSSDK_VERSION" "org.hdrhistogram:HdrHistogram:$HDR_VERSION"
echo "lib-elasticmq: $(ls "$T/lib-elasticmq" | wc -l) jars; lib-client: $(ls "$T/lib-client" | wc -l) jars"
