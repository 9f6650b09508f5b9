"""Sign in as the demo counsellor and open the case list: the quick start works for a person."""

import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request

base = sys.argv[1].rstrip("/")
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
# /login/ redirects to django-allauth's sign-in page; post the form there (its user name field is "login").
first = opener.open(f"{base}/login/")
login_url = first.url
page = first.read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
data = urllib.parse.urlencode({"login": "counsellor", "password": "passage-demo", "csrfmiddlewaretoken": token})
req = urllib.request.Request(login_url, data=data.encode(), headers={"Referer": login_url})
resp = opener.open(req)
body = resp.read().decode()
assert resp.url.rstrip("/").endswith("/cases"), f"login did not land on the case list: {resp.url}"
assert re.search(r"NL-\d{4}-\d{6}", body), "the case list shows no case numbers"
print("login ok:", resp.url)
