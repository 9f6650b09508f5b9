class DutchByDefaultMiddleware:
    """Passage opens in Dutch whatever the browser asks for; English is a choice the user makes (the language
    cookie set by the NL/EN buttons). Runs before LocaleMiddleware, which would otherwise follow Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            # The partner API answers machines: English unless the caller asks for Dutch.
            if "nl" not in request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:2].lower():
                request.META["HTTP_ACCEPT_LANGUAGE"] = "en"
            return self.get_response(request)
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
