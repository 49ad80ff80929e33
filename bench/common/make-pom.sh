# Shared by the bench suites' fetch-deps.sh (sourced, not run): make_pom resolves Maven Central
# artifacts with their runtime dependencies into a directory, through the repo's Maven wrapper and
# a throwaway pom per classpath (so two classpaths never share dependency mediation).
# Needs: REPO (the repo root), T (the suite's target dir); DEP_PLUGIN_VERSION may override the
# maven-dependency-plugin version (the Kafka suite's fetch-deps.sh set none and failed on it).
DEP_PLUGIN_VERSION="${DEP_PLUGIN_VERSION:-3.9.0}"

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
