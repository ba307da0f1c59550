import json
import sys

from survey_api.examples import load, names

if len(sys.argv) > 1:
    print(json.dumps(load(sys.argv[1]), ensure_ascii=False, indent=2))
else:
    for name in names():
        print(f"{name}\t{load(name)['title']}")
