#!/usr/bin/env bash
# Jars and their runtime dependencies from Maven Central, resolved by Maven from a generated pom.
# in: COORDS (space-separated groupId:artifactId:version)   out: $OUT/lib/*.jar, $OUT/jars.txt
source "$(dirname "$0")/lib.sh"
need COORDS OUT WORK CACHE
command -v mvn >/dev/null || { echo "mvn is not on PATH (Debian: apt-get install maven)" >&2; exit 1; }
deps=""
for c in $COORDS; do
  IFS=: read -r g a v <<<"$c"
  deps="$deps<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
done
cat > "$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ordinal.local</groupId><artifactId>jars</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>$deps</dependencies>
</project>
POM
step "mvn dependency:copy-dependencies ($COORDS)"
mvn -B -q -f "$WORK/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$OUT/lib"
ls "$OUT/lib" | tee "$OUT/jars.txt" | wc -l | sed 's/^/    jars: /'
