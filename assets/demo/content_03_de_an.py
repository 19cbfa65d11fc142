"""Nội dung tài liệu mẫu số 3 (mục 3 chương trình phiên họp mẫu).

Đề án mẫu do dự án eCabinet tự soạn để trình diễn (và làm tài liệu chuẩn
~50 trang cho phép đo hiệu năng hiển thị). Mọi số liệu là số liệu minh hoạ.
"""

from datetime import datetime, timezone

SPEC = dict(
    file="03-de-an-chuyen-doi-so.pdf",
    title="Đề án chuyển đổi số quốc gia: kết quả và kế hoạch năm 2027",
    agenda_position=3,
    subject="Tài liệu mẫu phiên họp eCabinet - mục 3 (số liệu minh hoạ)",
    keywords="đề án, chuyển đổi số, chính phủ số, kinh tế số, xã hội số, dữ liệu, "
    "chữ ký số, an toàn thông tin, hạ tầng số, kế hoạch năm 2027, tài liệu mẫu",
    created=datetime(2026, 11, 27, 8, 0, 0, tzinfo=timezone.utc),
    mark="TÀI LIỆU MẪU — số liệu minh hoạ",
    info={"footer_left": "Đề án chuyển đổi số quốc gia 2027 (tài liệu mẫu)"},
)

NOTE = "Ghi chú: số liệu minh hoạ, không phải số liệu thống kê chính thức."

TABLES = {
    "ha_tang": dict(
        caption="Bảng 1. Một số chỉ tiêu về hạ tầng số năm 2026 (số liệu minh hoạ)",
        widths=[82, 28, 30, 30],
        align=["L", "C", "R", "R"],
        rows=[
            ["Chỉ tiêu", "Đơn vị", "Năm 2025", "Ước năm 2026"],
            ["Tỷ lệ dân số được phủ sóng mạng di động 5G", "%", "46,0", "71,5"],
            ["Tỷ lệ hộ gia đình có kết nối băng rộng cáp quang", "%", "82,3", "88,9"],
            ["Tốc độ truy cập Internet băng rộng cố định trung bình", "Mbit/s", "168", "205"],
            ["Tốc độ truy cập Internet di động trung bình", "Mbit/s", "72", "104"],
            ["Tỷ lệ thôn, bản có sóng di động băng rộng", "%", "98,1", "99,6"],
            ["Tổng công suất trung tâm dữ liệu đưa vào vận hành", "MW", "82", "124"],
            ["Số tuyến cáp quang biển quốc tế đang khai thác", "tuyến", "6", "8"],
            ["Tỷ lệ sử dụng địa chỉ IPv6 trên mạng Internet Việt Nam", "%", "63", "71"],
        ],
        note=NOTE,
    ),
    "du_lieu": dict(
        caption="Bảng 2. Tình hình xây dựng, kết nối các cơ sở dữ liệu quốc gia (số liệu minh hoạ)",
        widths=[70, 34, 33, 33],
        align=["L", "C", "C", "C"],
        rows=[
            ["Cơ sở dữ liệu", "Mức độ hoàn thành", "Kết nối nền tảng chia sẻ", "Số lượt khai thác (triệu)"],
            ["Cơ sở dữ liệu quốc gia về dân cư", "Vận hành", "Có", "1.240,5"],
            ["Cơ sở dữ liệu quốc gia về đất đai", "85%", "Có", "96,2"],
            ["Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp", "Vận hành", "Có", "212,8"],
            ["Cơ sở dữ liệu quốc gia về bảo hiểm", "Vận hành", "Có", "418,7"],
            ["Cơ sở dữ liệu quốc gia về tài chính", "90%", "Có", "64,3"],
            ["Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức", "Vận hành", "Có", "22,4"],
            ["Cơ sở dữ liệu hộ tịch điện tử toàn quốc", "Vận hành", "Có", "158,1"],
            ["Cơ sở dữ liệu về y tế (hồ sơ sức khoẻ điện tử)", "70%", "Một phần", "87,6"],
            ["Cơ sở dữ liệu ngành giáo dục và đào tạo", "88%", "Có", "45,9"],
            ["Cơ sở dữ liệu về lao động, việc làm", "75%", "Một phần", "18,2"],
        ],
        note=NOTE,
    ),
    "chinh_phu_so": dict(
        caption="Bảng 3. Kết quả cung cấp dịch vụ công trực tuyến và xử lý văn bản điện tử (số liệu minh hoạ)",
        widths=[100, 35, 35],
        align=["L", "R", "R"],
        rows=[
            ["Chỉ tiêu", "Năm 2025", "Ước năm 2026"],
            ["Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình", "52,4%", "60,5%"],
            ["Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến", "46,8%", "55,2%"],
            ["Tỷ lệ số hoá hồ sơ, kết quả giải quyết thủ tục hành chính", "72,1%", "84,6%"],
            ["Tỷ lệ hồ sơ công việc cấp bộ, cấp tỉnh xử lý trên môi trường mạng", "90,3%", "94,8%"],
            ["Tỷ lệ văn bản điện tử được ký bằng chữ ký số", "95,6%", "98,2%"],
            ["Số lượng văn bản gửi, nhận qua Trục liên thông văn bản quốc gia (triệu)", "9,8", "12,4"],
            ["Số phiên họp, hội nghị tổ chức theo hình thức không giấy tờ", "3.920", "5.160"],
            ["Mức độ hài lòng của người dân với dịch vụ công trực tuyến", "84,0%", "87,5%"],
        ],
        note=NOTE,
    ),
    "kinh_te_so": dict(
        caption="Bảng 4. Một số chỉ tiêu về kinh tế số (số liệu minh hoạ)",
        widths=[88, 26, 28, 28],
        align=["L", "C", "R", "R"],
        rows=[
            ["Chỉ tiêu", "Đơn vị", "Năm 2025", "Ước năm 2026"],
            ["Tỷ trọng kinh tế số trong GDP", "%", "18,3", "19,6"],
            ["Tỷ trọng kinh tế số trong từng ngành, lĩnh vực (bình quân)", "%", "11,2", "12,9"],
            ["Doanh thu thương mại điện tử bán lẻ", "tỷ USD", "31,5", "38,2"],
            ["Số doanh nghiệp công nghệ số đang hoạt động", "nghìn", "74,6", "80,3"],
            ["Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số", "%", "58", "64"],
            ["Tỷ lệ giao dịch thanh toán không dùng tiền mặt", "%", "62", "68"],
            ["Tỷ lệ lao động kinh tế số trong lực lượng lao động", "%", "2,6", "2,9"],
        ],
        note=NOTE,
    ),
    "xa_hoi_so": dict(
        caption="Bảng 5. Một số chỉ tiêu về xã hội số (số liệu minh hoạ)",
        widths=[100, 35, 35],
        align=["L", "R", "R"],
        rows=[
            ["Chỉ tiêu", "Năm 2025", "Ước năm 2026"],
            ["Tỷ lệ dân số trưởng thành có điện thoại thông minh", "88,5%", "91,7%"],
            ["Tỷ lệ dân số trưởng thành có tài khoản giao dịch tại ngân hàng", "87,0%", "89,8%"],
            ["Tỷ lệ công dân có tài khoản định danh điện tử được kích hoạt", "76,4%", "83,1%"],
            ["Tỷ lệ người dân có hồ sơ sức khoẻ điện tử", "71,2%", "80,5%"],
            ["Tỷ lệ cơ sở giáo dục phổ thông triển khai học bạ số", "81,0%", "95,4%"],
            ["Số lượt người dân tham gia các khoá học kỹ năng số trực tuyến (triệu)", "14,3", "21,8"],
        ],
        note=NOTE,
    ),
    "attt": dict(
        caption="Bảng 6. Tình hình bảo đảm an toàn thông tin mạng (số liệu minh hoạ)",
        widths=[100, 35, 35],
        align=["L", "R", "R"],
        rows=[
            ["Chỉ tiêu", "Năm 2025", "Ước năm 2026"],
            ["Tỷ lệ hệ thống thông tin được phê duyệt cấp độ an toàn", "86,5%", "94,2%"],
            ["Tỷ lệ hệ thống thông tin được triển khai đầy đủ phương án bảo vệ theo cấp độ", "61,3%", "78,0%"],
            ["Số cuộc tấn công mạng gây ra sự cố vào hệ thống tại Việt Nam", "12.850", "10.420"],
            ["Tỷ lệ cơ quan nhà nước kết nối với hệ thống giám sát quốc gia", "88,0%", "96,5%"],
            ["Số cuộc diễn tập thực chiến an toàn thông tin được tổ chức", "46", "68"],
            ["Số địa chỉ máy tính nằm trong mạng máy tính ma (botnet), nghìn", "410", "325"],
        ],
        note=NOTE,
    ),
    "vung": dict(
        caption="Bảng 8. Chỉ số chuyển đổi số bình quân theo vùng kinh tế - xã hội (số liệu minh hoạ)",
        unit="Thang điểm 0 - 1,0",
        widths=[58, 28, 28, 28, 28],
        align=["L", "C", "C", "C", "C"],
        rows=[
            ["Vùng", "Chính quyền số", "Kinh tế số", "Xã hội số", "Chỉ số chung"],
            ["Trung du và miền núi phía Bắc", "0,61", "0,44", "0,49", "0,52"],
            ["Đồng bằng sông Hồng", "0,78", "0,69", "0,72", "0,73"],
            ["Bắc Trung Bộ và Duyên hải miền Trung", "0,70", "0,55", "0,60", "0,62"],
            ["Tây Nguyên", "0,63", "0,46", "0,51", "0,54"],
            ["Đông Nam Bộ", "0,76", "0,72", "0,74", "0,74"],
            ["Đồng bằng sông Cửu Long", "0,66", "0,51", "0,55", "0,58"],
            ["Bình quân cả nước", "0,69", "0,56", "0,60", "0,62"],
        ],
        bold_rows=[7],
        note=NOTE + " Chỉ số được tính theo phương pháp minh hoạ, không phải Bộ chỉ số DTI chính thức.",
    ),
    "kinh_phi": dict(
        caption="Bảng 9. Dự kiến nhu cầu kinh phí thực hiện kế hoạch năm 2027 (số liệu minh hoạ)",
        unit="Đơn vị: tỷ đồng",
        widths=[80, 30, 30, 30],
        align=["L", "R", "R", "R"],
        rows=[
            ["Nhóm nhiệm vụ", "Ngân sách trung ương", "Ngân sách địa phương", "Nguồn hợp pháp khác"],
            ["Hoàn thiện thể chế, chính sách", "45", "12", "—"],
            ["Hạ tầng số, nền tảng số dùng chung", "2.150", "1.380", "6.400"],
            ["Dữ liệu số, cơ sở dữ liệu quốc gia", "1.820", "960", "350"],
            ["Chính phủ số, dịch vụ công trực tuyến", "980", "1.240", "—"],
            ["Kinh tế số, doanh nghiệp công nghệ số", "310", "420", "2.800"],
            ["Xã hội số, kỹ năng số cho người dân", "260", "530", "180"],
            ["An toàn thông tin mạng", "690", "410", "150"],
            ["Phát triển nhân lực số", "380", "290", "240"],
            ["Tổng cộng", "6.635", "5.242", "10.120"],
        ],
        bold_rows=[9],
        note=NOTE + " Kinh phí cụ thể được xác định trong dự toán ngân sách hằng năm theo quy định.",
    ),
    "lo_trinh": dict(
        caption="Bảng 10. Lộ trình triển khai các nhóm nhiệm vụ năm 2027",
        widths=[58, 28, 28, 28, 28],
        align=["L", "C", "C", "C", "C"],
        rows=[
            ["Nhóm nhiệm vụ", "Quý I", "Quý II", "Quý III", "Quý IV"],
            ["Ban hành văn bản hướng dẫn", "Xây dựng", "Ban hành", "Hướng dẫn", "Sơ kết"],
            ["Nâng cấp nền tảng dùng chung", "Khảo sát", "Triển khai", "Triển khai", "Nghiệm thu"],
            ["Làm sạch, đồng bộ dữ liệu", "Rà soát", "Làm sạch", "Đồng bộ", "Đánh giá"],
            ["Tái cấu trúc dịch vụ công", "Lựa chọn", "Tái cấu trúc", "Vận hành", "Đánh giá"],
            ["Diễn tập an toàn thông tin", "Kế hoạch", "Diễn tập vùng", "Diễn tập quốc gia", "Tổng kết"],
            ["Đào tạo kỹ năng số", "Khởi động", "Triển khai", "Triển khai", "Tổng kết"],
        ],
    ),
    "rui_ro": dict(
        caption="Bảng 11. Các rủi ro chính và biện pháp giảm thiểu",
        widths=[52, 22, 96],
        align=["L", "C", "L"],
        rows=[
            ["Rủi ro", "Mức độ", "Biện pháp giảm thiểu"],
            ["Chậm bố trí kinh phí, thủ tục đầu tư kéo dài", "Cao", "Ưu tiên hình thức thuê dịch vụ; giao dự toán sớm; áp dụng cơ chế đặc thù cho nhiệm vụ cấp bách."],
            ["Dữ liệu không thống nhất giữa các hệ thống", "Cao", "Ban hành danh mục dữ liệu chủ; quy định trách nhiệm cập nhật; đo lường chất lượng dữ liệu định kỳ."],
            ["Sự cố mất an toàn thông tin, tấn công có chủ đích", "Cao", "Giám sát liên tục; diễn tập thực chiến; sao lưu dự phòng ở vị trí địa lý khác; tổ ứng cứu sự cố sẵn sàng."],
            ["Thiếu nhân lực chuyên sâu về dữ liệu, an toàn thông tin", "Trung bình", "Đào tạo lại, thuê chuyên gia, hợp tác với doanh nghiệp và cơ sở đào tạo."],
            ["Người dân chưa quen sử dụng dịch vụ số", "Trung bình", "Tổ công nghệ số cộng đồng hỗ trợ tại chỗ; thiết kế dịch vụ đơn giản; truyền thông thường xuyên."],
            ["Phụ thuộc vào một nhà cung cấp công nghệ", "Thấp", "Sử dụng tiêu chuẩn mở; yêu cầu khả năng chuyển đổi dữ liệu trong hợp đồng thuê dịch vụ."],
        ],
    ),
    "chi_tieu_2027": dict(
        caption="Bộ chỉ tiêu chuyển đổi số năm 2027 (số liệu minh hoạ)",
        widths=[12, 98, 30, 30],
        align=["C", "L", "C", "C"],
        size=9.5,
        rows=[
            ["TT", "Chỉ tiêu", "Ước năm 2026", "Mục tiêu 2027"],
            ["A", "Hạ tầng số", "", ""],
            ["1", "Tỷ lệ dân số được phủ sóng 5G", "71,5%", "85%"],
            ["2", "Tỷ lệ hộ gia đình có cáp quang", "88,9%", "92%"],
            ["3", "Tốc độ băng rộng di động trung bình (Mbit/s)", "104", "130"],
            ["4", "Công suất trung tâm dữ liệu vận hành (MW)", "124", "180"],
            ["B", "Dữ liệu số", "", ""],
            ["5", "Số cơ sở dữ liệu quốc gia vận hành đầy đủ", "7", "10"],
            ["6", "Tỷ lệ dữ liệu chủ được chuẩn hoá theo danh mục", "62%", "85%"],
            ["7", "Số bộ dữ liệu mở được công bố", "1.350", "2.000"],
            ["C", "Chính phủ số", "", ""],
            ["8", "Tỷ lệ dịch vụ công trực tuyến toàn trình", "60,5%", "70%"],
            ["9", "Tỷ lệ hồ sơ xử lý trực tuyến", "55,2%", "65%"],
            ["10", "Tỷ lệ văn bản điện tử được ký bằng chữ ký số", "98,2%", "99%"],
            ["11", "Tỷ lệ phiên họp cấp bộ, cấp tỉnh không giấy tờ", "82%", "95%"],
            ["12", "Mức độ hài lòng của người dân", "87,5%", "90%"],
            ["D", "Kinh tế số", "", ""],
            ["13", "Tỷ trọng kinh tế số trong GDP", "19,6%", "21%"],
            ["14", "Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số", "64%", "70%"],
            ["15", "Doanh thu thương mại điện tử bán lẻ (tỷ USD)", "38,2", "45"],
            ["16", "Số doanh nghiệp công nghệ số (nghìn)", "80,3", "86"],
            ["E", "Xã hội số", "", ""],
            ["17", "Tỷ lệ công dân có tài khoản định danh điện tử kích hoạt", "83,1%", "90%"],
            ["18", "Tỷ lệ người dân có hồ sơ sức khoẻ điện tử", "80,5%", "90%"],
            ["19", "Tỷ lệ người trưởng thành có kỹ năng số cơ bản", "58%", "65%"],
            ["G", "An toàn thông tin mạng", "", ""],
            ["20", "Tỷ lệ hệ thống thông tin được bảo vệ đầy đủ theo cấp độ", "78%", "100%"],
            ["21", "Tỷ lệ cơ quan kết nối giám sát quốc gia", "96,5%", "100%"],
            ["22", "Số cuộc diễn tập thực chiến", "68", "80"],
            ["H", "Nhân lực số", "", ""],
            ["23", "Số kỹ sư công nghệ số tốt nghiệp mới (nghìn)", "72", "80"],
            ["24", "Tỷ lệ cán bộ, công chức được bồi dưỡng kỹ năng số", "74%", "90%"],
        ],
        bold_rows=[1, 6, 10, 16, 21, 25, 29],
        note=NOTE + " Mục tiêu năm 2027 là giá trị đề xuất để thảo luận.",
    ),
    "nhiem_vu": dict(
        caption="Danh mục nhiệm vụ trọng điểm năm 2027",
        widths=[10, 70, 32, 32, 26],
        align=["C", "L", "L", "L", "C"],
        size=9,
        rows=[
            ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"],
            ["I", "Thể chế", "", "", ""],
            ["1", "Xây dựng Nghị định quy định về giao dịch điện tử trong hoạt động của cơ quan nhà nước", "Bộ Khoa học và Công nghệ", "Văn phòng Chính phủ, các bộ", "Quý II"],
            ["2", "Ban hành Khung kiến trúc Chính phủ số phiên bản cập nhật", "Bộ Khoa học và Công nghệ", "Các bộ, địa phương", "Quý II"],
            ["3", "Hướng dẫn cơ chế thuê dịch vụ công nghệ thông tin, dịch vụ điện toán đám mây", "Bộ Tài chính", "Bộ Khoa học và Công nghệ", "Quý I"],
            ["4", "Ban hành danh mục dữ liệu chủ dùng chung và quy định cập nhật", "Bộ Công an", "Các bộ, ngành", "Quý II"],
            ["5", "Sửa đổi quy định về lưu trữ hồ sơ điện tử", "Bộ Nội vụ", "Bộ Khoa học và Công nghệ", "Quý III"],
            ["II", "Hạ tầng và nền tảng", "", "", ""],
            ["6", "Mở rộng vùng phủ sóng 5G tới khu công nghiệp, khu vực biên giới, hải đảo", "Doanh nghiệp viễn thông", "Bộ Khoa học và Công nghệ", "Quý IV"],
            ["7", "Nâng cấp Trục liên thông văn bản quốc gia, hỗ trợ ký số từ xa", "Bộ Khoa học và Công nghệ", "Ban Cơ yếu Chính phủ", "Quý III"],
            ["8", "Nâng cấp nền tảng tích hợp, chia sẻ dữ liệu quốc gia", "Bộ Công an", "Bộ Khoa học và Công nghệ", "Quý III"],
            ["9", "Triển khai trung tâm dữ liệu quốc gia giai đoạn tiếp theo", "Bộ Công an", "Các bộ, ngành", "Quý IV"],
            ["10", "Xây dựng nền tảng điện toán đám mây Chính phủ", "Bộ Khoa học và Công nghệ", "Doanh nghiệp công nghệ", "Quý IV"],
            ["III", "Dữ liệu", "", "", ""],
            ["11", "Hoàn thành cơ sở dữ liệu quốc gia về đất đai", "Bộ Nông nghiệp và Môi trường", "Uỷ ban nhân dân cấp tỉnh", "Quý II"],
            ["12", "Hoàn thành cơ sở dữ liệu quốc gia về tài chính", "Bộ Tài chính", "Các bộ, địa phương", "Quý III"],
            ["13", "Xây dựng cơ sở dữ liệu hồ sơ sức khoẻ điện tử toàn dân", "Bộ Y tế", "Bộ Công an, Bảo hiểm xã hội Việt Nam", "Quý IV"],
            ["14", "Công bố bộ dữ liệu mở của các bộ, ngành, địa phương", "Các bộ, địa phương", "Bộ Khoa học và Công nghệ", "Thường xuyên"],
            ["15", "Đo lường, công bố chất lượng dữ liệu của cơ sở dữ liệu quốc gia", "Bộ Công an", "Cơ quan chủ quản CSDL", "Quý IV"],
            ["IV", "Chính phủ số", "", "", ""],
            ["16", "Tái cấu trúc quy trình, cung cấp thêm 200 dịch vụ công trực tuyến toàn trình", "Văn phòng Chính phủ", "Các bộ, địa phương", "Quý IV"],
            ["17", "Mở rộng hệ thống họp không giấy tờ tới 100% bộ, cơ quan ngang bộ và Uỷ ban nhân dân cấp tỉnh", "Văn phòng Chính phủ", "Các bộ, địa phương", "Quý III"],
            ["18", "Triển khai hệ thống thông tin báo cáo quốc gia phiên bản mới", "Văn phòng Chính phủ", "Các bộ, địa phương", "Quý IV"],
            ["19", "Ứng dụng trí tuệ nhân tạo hỗ trợ tra cứu văn bản, tổng hợp ý kiến", "Bộ Khoa học và Công nghệ", "Văn phòng Chính phủ", "Quý IV"],
            ["20", "Chuẩn hoá hồ sơ điện tử phục vụ nộp lưu vào Lưu trữ lịch sử", "Bộ Nội vụ", "Các bộ, địa phương", "Quý IV"],
            ["V", "Kinh tế số và xã hội số", "", "", ""],
            ["21", "Chương trình hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số", "Bộ Khoa học và Công nghệ", "Bộ Tài chính, hiệp hội", "Quý IV"],
            ["22", "Phát triển thương mại điện tử nông thôn, truy xuất nguồn gốc nông sản", "Bộ Công Thương", "Bộ Nông nghiệp và Môi trường", "Quý IV"],
            ["23", "Mở rộng thanh toán không dùng tiền mặt trong dịch vụ công", "Ngân hàng Nhà nước Việt Nam", "Các bộ, địa phương", "Quý III"],
            ["24", "Triển khai bệnh án điện tử tại các cơ sở khám, chữa bệnh", "Bộ Y tế", "Uỷ ban nhân dân cấp tỉnh", "Quý IV"],
            ["25", "Phổ cập kỹ năng số cho người dân qua nền tảng học trực tuyến mở", "Bộ Giáo dục và Đào tạo", "Bộ Khoa học và Công nghệ", "Thường xuyên"],
            ["VI", "An toàn thông tin và nhân lực", "", "", ""],
            ["26", "Diễn tập thực chiến an toàn thông tin quốc gia", "Bộ Công an", "Bộ Khoa học và Công nghệ, Bộ Quốc phòng", "Quý III"],
            ["27", "Rà soát, đánh giá an toàn thông tin các hệ thống cấp độ 4, cấp độ 5", "Bộ Công an", "Cơ quan chủ quản", "Quý II"],
            ["28", "Bồi dưỡng kỹ năng số, kỹ năng khai thác dữ liệu cho cán bộ, công chức", "Bộ Nội vụ", "Học viện, trường đào tạo", "Thường xuyên"],
            ["29", "Đào tạo chuyên gia dữ liệu, an toàn thông tin tại cơ sở giáo dục đại học", "Bộ Giáo dục và Đào tạo", "Doanh nghiệp công nghệ", "Thường xuyên"],
            ["30", "Sơ kết, đánh giá kết quả chuyển đổi số năm 2027", "Bộ Khoa học và Công nghệ", "Các bộ, địa phương", "Quý IV"],
        ],
        bold_rows=[1, 7, 13, 19, 25, 31],
        note="Ghi chú: danh mục mang tính minh hoạ; phân công cơ quan chủ trì, phối hợp chỉ dùng cho tài liệu mẫu.",
    ),
    "linh_vuc": dict(
        caption="Kết quả chuyển đổi số năm 2026 trong các lĩnh vực ưu tiên (số liệu minh hoạ)",
        widths=[40, 80, 25, 25],
        align=["L", "L", "C", "C"],
        size=9.5,
        rows=[
            ["Lĩnh vực", "Chỉ số tiêu biểu", "Năm 2025", "Năm 2026"],
            ["Y tế", "Tỷ lệ cơ sở khám, chữa bệnh triển khai bệnh án điện tử", "38%", "57%"],
            ["Giáo dục", "Tỷ lệ cơ sở giáo dục sử dụng học bạ số", "81%", "95%"],
            ["Tài chính", "Tỷ lệ hoá đơn điện tử khởi tạo từ máy tính tiền", "41%", "63%"],
            ["Ngân hàng", "Tỷ lệ giao dịch qua kênh số", "94%", "96%"],
            ["Nông nghiệp", "Số mã vùng trồng được số hoá (nghìn)", "7,2", "9,8"],
            ["Giao thông vận tải", "Tỷ lệ trạm thu phí không dừng", "100%", "100%"],
            ["Năng lượng", "Tỷ lệ công tơ điện tử đo xa", "78%", "86%"],
            ["Tài nguyên, môi trường", "Tỷ lệ trạm quan trắc tự động truyền dữ liệu", "66%", "79%"],
            ["Du lịch", "Số điểm du lịch có dịch vụ vé điện tử", "520", "780"],
            ["Logistics", "Tỷ lệ thủ tục hải quan xử lý tự động", "89%", "93%"],
            ["Lao động, việc làm", "Tỷ lệ giao dịch việc làm trực tuyến", "34%", "46%"],
            ["Tư pháp", "Tỷ lệ phiếu lý lịch tư pháp cấp trực tuyến", "57%", "73%"],
        ],
        note=NOTE,
    ),
    "thuat_ngu": dict(
        caption="Giải thích một số thuật ngữ sử dụng trong Đề án",
        widths=[50, 120],
        align=["L", "L"],
        size=9.5,
        rows=[
            ["Thuật ngữ", "Giải thích"],
            ["Chuyển đổi số", "Quá trình thay đổi tổng thể và toàn diện cách sống, cách làm việc và phương thức sản xuất dựa trên công nghệ số và dữ liệu."],
            ["Chính phủ số", "Chính phủ hoạt động, vận hành, ra quyết định và cung cấp dịch vụ dựa trên dữ liệu và công nghệ số."],
            ["Kinh tế số", "Hoạt động kinh tế sử dụng công nghệ số và dữ liệu số làm yếu tố đầu vào chính, sử dụng môi trường số làm không gian hoạt động chính."],
            ["Xã hội số", "Xã hội trong đó người dân có kỹ năng số, sử dụng dịch vụ số an toàn, thuận tiện trong đời sống hằng ngày."],
            ["Dữ liệu chủ", "Dữ liệu chứa thông tin cơ bản nhất, mô tả về một đối tượng, được dùng làm căn cứ tham chiếu, đồng bộ cho các cơ sở dữ liệu khác."],
            ["Dữ liệu mở", "Dữ liệu được cơ quan nhà nước công bố rộng rãi để tổ chức, cá nhân tự do sử dụng, tái sử dụng theo quy định."],
            ["Nền tảng số", "Hệ thống thông tin tạo môi trường trên không gian mạng cho phép nhiều bên tham gia để cung cấp, sử dụng dịch vụ, giải pháp số."],
            ["Dịch vụ công trực tuyến toàn trình", "Dịch vụ công bảo đảm toàn bộ quá trình từ nộp hồ sơ, xử lý đến trả kết quả được thực hiện trên môi trường mạng."],
            ["Chữ ký số", "Chữ ký điện tử sử dụng thuật toán khoá không đối xứng, bảo đảm xác thực người ký và tính toàn vẹn của thông điệp dữ liệu."],
            ["Định danh điện tử", "Hoạt động đăng ký, đối chiếu, tạo lập và gắn danh tính điện tử với chủ thể để phục vụ giao dịch điện tử."],
            ["Họp không giấy tờ", "Hình thức tổ chức phiên họp trong đó tài liệu được phát hành, khai thác, lưu trữ dưới dạng điện tử."],
            ["An toàn thông tin mạng", "Sự bảo vệ thông tin, hệ thống thông tin trên mạng tránh bị truy nhập, sử dụng, tiết lộ, gián đoạn, sửa đổi hoặc phá hoại trái phép."],
            ["Điện toán đám mây", "Mô hình cung cấp tài nguyên tính toán, lưu trữ theo nhu cầu qua mạng, có khả năng mở rộng linh hoạt."],
            ["Trung tâm dữ liệu", "Công trình xây dựng, hạ tầng kỹ thuật và thiết bị bảo đảm vận hành tập trung các hệ thống máy chủ, lưu trữ dữ liệu."],
            ["Trí tuệ nhân tạo", "Việc thực hiện bằng hệ thống máy tính các năng lực của con người như học tập, suy luận, nhận thức, ra quyết định."],
            ["Kỹ năng số", "Khả năng sử dụng thiết bị, dịch vụ số để tìm kiếm, khai thác, tạo lập thông tin và giao tiếp an toàn trên môi trường số."],
            ["Tổ công nghệ số cộng đồng", "Tổ hỗ trợ người dân tại thôn, tổ dân phố tiếp cận, sử dụng dịch vụ công trực tuyến và các nền tảng số."],
            ["Trục liên thông văn bản quốc gia", "Hệ thống kết nối các hệ thống quản lý văn bản và điều hành để gửi, nhận văn bản điện tử giữa các cơ quan nhà nước."],
            ["Nền tảng tích hợp, chia sẻ dữ liệu", "Hệ thống trung gian kết nối, điều phối việc trao đổi dữ liệu giữa các hệ thống thông tin, cơ sở dữ liệu."],
            ["Chữ ký số từ xa", "Chữ ký số mà khoá bí mật được lưu giữ an toàn trên hệ thống của tổ chức cung cấp dịch vụ, người ký kích hoạt từ xa qua thiết bị đã đăng ký."],
            ["Giá trị băm", "Chuỗi ký tự có độ dài cố định được tính từ nội dung tệp, dùng để phát hiện mọi thay đổi dù nhỏ nhất của tệp."],
            ["Siêu dữ liệu", "Dữ liệu mô tả đặc tính của dữ liệu khác như nguồn gốc, cấu trúc, định dạng, thời điểm tạo lập."],
            ["Cấp độ an toàn hệ thống thông tin", "Mức độ yêu cầu bảo đảm an toàn của hệ thống thông tin, từ cấp độ 1 đến cấp độ 5, căn cứ vào mức độ ảnh hưởng khi bị xâm phạm."],
            ["Mã độc tống tiền", "Phần mềm độc hại mã hoá dữ liệu của nạn nhân và đòi tiền chuộc để khôi phục."],
            ["Nhật ký hệ thống", "Bản ghi tự động các thao tác của người dùng và của hệ thống, có gắn dấu thời gian, phục vụ kiểm tra, truy vết."],
            ["Thuê dịch vụ công nghệ thông tin", "Hình thức cơ quan nhà nước sử dụng dịch vụ do tổ chức khác cung cấp thay cho tự đầu tư hệ thống."],
        ],
    ),
}

BODY = r"""
# PHẦN THỨ NHẤT. SỰ CẦN THIẾT VÀ CĂN CỨ XÂY DỰNG ĐỀ ÁN
## I. SỰ CẦN THIẾT XÂY DỰNG ĐỀ ÁN
Chuyển đổi số đã trở thành xu thế tất yếu và là động lực quan trọng để đổi mới mô hình tăng trưởng, nâng cao năng suất lao động và sức cạnh tranh của nền kinh tế. Sau nhiều năm triển khai Chương trình Chuyển đổi số quốc gia, nhận thức của các cấp, các ngành và của người dân về chuyển đổi số đã có bước chuyển biến rõ rệt; hạ tầng số, nền tảng số và dữ liệu số được hình thành và từng bước hoàn thiện; nhiều dịch vụ số thiết yếu đã đi vào đời sống.
Tuy nhiên, kết quả chuyển đổi số giữa các ngành, các địa phương còn chưa đồng đều; việc kết nối, chia sẻ dữ liệu còn gặp nhiều vướng mắc; một số hệ thống thông tin được đầu tư riêng lẻ, thiếu khả năng liên thông; chất lượng dịch vụ công trực tuyến ở một số nơi chưa đáp ứng kỳ vọng của người dân và doanh nghiệp. Những hạn chế này đòi hỏi phải có đánh giá toàn diện và kế hoạch hành động cụ thể, có trọng tâm, trọng điểm cho từng năm.
Năm 2027 là năm có ý nghĩa quan trọng trong việc thực hiện các mục tiêu chuyển đổi số đến năm 2030. Việc xây dựng Đề án nhằm tổng kết kết quả năm 2026, chỉ rõ những tồn tại, hạn chế và nguyên nhân, từ đó đề xuất mục tiêu, nhiệm vụ và giải pháp cho năm 2027, bảo đảm tính kế thừa, khả thi và đo lường được.
Đề án đồng thời là cơ sở để các bộ, ngành, địa phương xây dựng kế hoạch chuyển đổi số năm 2027 của mình, bố trí nguồn lực phù hợp và phối hợp thực hiện các nhiệm vụ liên ngành, liên vùng.
## II. CĂN CỨ XÂY DỰNG ĐỀ ÁN
Đề án được xây dựng trên cơ sở các căn cứ chính trị, pháp lý và thực tiễn sau đây:
- Các nghị quyết của Đảng về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia.
- Luật Giao dịch điện tử năm 2023, Luật Dữ liệu năm 2024, Luật An toàn thông tin mạng năm 2015 và các văn bản quy định chi tiết.
- Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030 và Chiến lược quốc gia phát triển kinh tế số và xã hội số.
- Chiến lược phát triển Chính phủ điện tử hướng tới Chính phủ số và Khung kiến trúc Chính phủ số.
- Báo cáo kết quả chuyển đổi số năm 2026 của các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ và Uỷ ban nhân dân các tỉnh, thành phố trực thuộc trung ương.
- Kết quả khảo sát, đo lường mức độ chuyển đổi số và ý kiến góp ý của các hiệp hội, doanh nghiệp, chuyên gia.
## III. PHẠM VI, ĐỐI TƯỢNG VÀ PHƯƠNG PHÁP XÂY DỰNG
**Phạm vi:** Đề án đánh giá kết quả chuyển đổi số trên ba trụ cột chính phủ số, kinh tế số, xã hội số và các yếu tố nền tảng gồm thể chế, hạ tầng số, dữ liệu số, an toàn thông tin mạng, nhân lực số trong năm 2026; đề xuất kế hoạch triển khai năm 2027.
**Đối tượng:** Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ; Uỷ ban nhân dân các cấp; doanh nghiệp, tổ chức và người dân tham gia quá trình chuyển đổi số.
**Phương pháp:** Đề án được xây dựng trên cơ sở tổng hợp báo cáo của các bộ, ngành, địa phương; khai thác dữ liệu từ các hệ thống giám sát, đo lường tự động; tổ chức hội thảo, lấy ý kiến chuyên gia; so sánh với kinh nghiệm của một số quốc gia có trình độ chuyển đổi số cao.
@international
> Lưu ý: Đây là đề án mẫu dùng để trình diễn hệ thống họp không giấy tờ eCabinet. Nội dung do dự án tự soạn; toàn bộ số liệu trong tài liệu là số liệu minh hoạ, không phản ánh số liệu chính thức của bất kỳ cơ quan nào.
@pagebreak
# PHẦN THỨ HAI. KẾT QUẢ THỰC HIỆN CHUYỂN ĐỔI SỐ NĂM 2026
## I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH VÀ HOÀN THIỆN THỂ CHẾ
Công tác chỉ đạo, điều hành chuyển đổi số được thực hiện quyết liệt, thống nhất từ trung ương đến địa phương. Uỷ ban Quốc gia về chuyển đổi số duy trì chế độ họp định kỳ hằng quý; các bộ, ngành, địa phương đều đã kiện toàn ban chỉ đạo hoặc tổ công tác về chuyển đổi số do người đứng đầu làm trưởng ban. Chế độ báo cáo được thực hiện trên hệ thống thông tin báo cáo, giảm đáng kể thời gian tổng hợp.
Trong năm, nhiều văn bản quy phạm pháp luật quan trọng đã được ban hành hoặc trình cấp có thẩm quyền, tạo hành lang pháp lý cho giao dịch điện tử, quản lý và khai thác dữ liệu, phát triển công nghiệp công nghệ số. Nổi bật là:
1. Hoàn thiện các văn bản quy định chi tiết về giao dịch điện tử, trong đó làm rõ giá trị pháp lý của văn bản điện tử, hồ sơ điện tử và điều kiện sử dụng chữ ký số.
2. Ban hành quy định về phân loại dữ liệu, danh mục dữ liệu dùng chung, dữ liệu mở và cơ chế chia sẻ dữ liệu giữa các cơ quan nhà nước.
3. Ban hành cơ chế thí điểm thuê dịch vụ công nghệ thông tin, dịch vụ điện toán đám mây cho cơ quan nhà nước, rút ngắn thời gian đầu tư.
4. Cập nhật các quy chuẩn kỹ thuật về kết nối, chia sẻ dữ liệu và về bảo đảm an toàn hệ thống thông tin theo cấp độ.
Bên cạnh đó, công tác kiểm tra, đôn đốc được tăng cường; việc đánh giá, xếp hạng mức độ chuyển đổi số của các bộ, ngành, địa phương được thực hiện công khai, tạo động lực cạnh tranh tích cực. Tuy nhiên, tiến độ xây dựng một số văn bản hướng dẫn còn chậm so với kế hoạch, nhất là các văn bản về định mức kinh tế - kỹ thuật và đơn giá thuê dịch vụ.
## II. PHÁT TRIỂN HẠ TẦNG SỐ
Hạ tầng viễn thông băng rộng tiếp tục được đầu tư mạnh mẽ. Mạng di động 5G được mở rộng nhanh chóng tới các khu đô thị, khu công nghiệp, khu du lịch và trục giao thông chính; đến cuối năm 2026, ước tính trên 71% dân số được phủ sóng 5G. Hạ tầng cáp quang được kéo đến hầu hết các thôn, bản; tỷ lệ hộ gia đình sử dụng băng rộng cáp quang đạt gần 89%.
Hạ tầng trung tâm dữ liệu có bước phát triển đáng kể với nhiều trung tâm dữ liệu mới đạt tiêu chuẩn quốc tế được đưa vào vận hành; tổng công suất ước đạt 124 MW. Hai tuyến cáp quang biển quốc tế mới được đưa vào khai thác, nâng cao năng lực và độ an toàn của kết nối quốc tế. Việc chuyển đổi sang địa chỉ IPv6 được đẩy mạnh, tạo nền tảng cho Internet vạn vật.
Hạ tầng số của các cơ quan nhà nước được củng cố theo hướng tập trung, dùng chung. Mạng truyền số liệu chuyên dùng của các cơ quan Đảng, Nhà nước được nâng cấp về băng thông và độ sẵn sàng, kết nối tới 100% đơn vị hành chính cấp xã. Một số bộ, ngành đã chuyển các hệ thống thông tin lên nền tảng điện toán đám mây, giảm chi phí đầu tư và vận hành.
@table ha_tang
Mặc dù vậy, vùng lõm sóng vẫn còn ở một số khu vực miền núi, biên giới, hải đảo; chi phí dịch vụ băng rộng đối với hộ gia đình có thu nhập thấp còn là rào cản; việc dùng chung hạ tầng giữa các doanh nghiệp viễn thông chưa được thực hiện triệt để.
## III. NỀN TẢNG SỐ VÀ DỮ LIỆU SỐ
Dữ liệu số được xác định là tài nguyên quan trọng, là nền tảng của chuyển đổi số. Trong năm 2026, các cơ sở dữ liệu quốc gia tiếp tục được xây dựng, hoàn thiện và khai thác hiệu quả. Cơ sở dữ liệu quốc gia về dân cư được kết nối, chia sẻ với hầu hết các bộ, ngành, địa phương, phục vụ giải quyết thủ tục hành chính, xác thực thông tin công dân và hoạch định chính sách.
Nền tảng tích hợp, chia sẻ dữ liệu quốc gia được nâng cấp, kết nối với các nền tảng tích hợp, chia sẻ dữ liệu cấp bộ, cấp tỉnh; số lượng giao dịch chia sẻ dữ liệu tăng gấp gần hai lần so với năm trước. Cổng dữ liệu quốc gia đã công bố trên 1.300 bộ dữ liệu mở thuộc nhiều lĩnh vực, tạo điều kiện cho doanh nghiệp phát triển các ứng dụng, dịch vụ mới.
Các nền tảng số quốc gia như nền tảng định danh và xác thực điện tử, nền tảng thanh toán trực tuyến, nền tảng học trực tuyến mở, nền tảng hồ sơ sức khoẻ điện tử được đưa vào sử dụng rộng rãi. Một số nền tảng đạt trên 10 triệu người dùng thường xuyên.
@table du_lieu
Chất lượng dữ liệu vẫn là điểm nghẽn: dữ liệu tại một số cơ sở dữ liệu chuyên ngành chưa được cập nhật thường xuyên, chưa được chuẩn hoá theo danh mục dữ liệu chủ; việc đồng bộ dữ liệu giữa trung ương và địa phương có lúc chưa kịp thời. Nhiều cơ quan còn lúng túng trong phân loại dữ liệu, xác định dữ liệu được chia sẻ mặc định và dữ liệu chia sẻ có điều kiện.
## IV. PHÁT TRIỂN CHÍNH PHỦ SỐ
Chính phủ số tiếp tục là trụ cột dẫn dắt chuyển đổi số quốc gia. Cổng Dịch vụ công quốc gia được nâng cấp theo hướng lấy người dân, doanh nghiệp làm trung tâm; người dùng chỉ cần đăng nhập một lần bằng tài khoản định danh điện tử để sử dụng dịch vụ của các bộ, ngành, địa phương. Nhiều nhóm thủ tục hành chính liên thông như đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi được thực hiện hoàn toàn trực tuyến.
Việc xử lý văn bản, hồ sơ công việc trên môi trường mạng đã trở thành phương thức làm việc chủ đạo. Tỷ lệ văn bản điện tử được ký bằng chữ ký số ước đạt trên 98%; văn bản được gửi, nhận qua Trục liên thông văn bản quốc gia tăng khoảng 26% so với năm 2025. Chữ ký số từ xa được triển khai cho lãnh đạo các cấp, cho phép ký văn bản mọi lúc, mọi nơi, bảo đảm an toàn.
Hệ thống họp không giấy tờ được sử dụng tại các phiên họp Chính phủ, các cuộc họp của Thủ tướng và Phó Thủ tướng Chính phủ, cũng như tại nhiều bộ, ngành, địa phương. Tài liệu họp được phát hành điện tử, cho phép thành viên nghiên cứu trước, ghi chú và tra cứu nhanh; chi phí in ấn, phát hành tài liệu giảm đáng kể.
Hệ thống thông tin báo cáo quốc gia kết nối với hệ thống báo cáo của các bộ, ngành, địa phương, cung cấp số liệu trực tuyến phục vụ chỉ đạo, điều hành. Trung tâm thông tin, chỉ đạo, điều hành của Chính phủ hiển thị các chỉ tiêu kinh tế - xã hội theo thời gian thực.
@table chinh_phu_so
Bên cạnh kết quả đạt được, một số dịch vụ công trực tuyến còn yêu cầu người dùng khai báo nhiều thông tin đã có trong các cơ sở dữ liệu; quy trình nội bộ ở một số cơ quan chưa được tái cấu trúc tương ứng với quy trình điện tử; việc số hoá hồ sơ, kết quả giải quyết thủ tục hành chính ở cấp xã còn chậm.
## V. PHÁT TRIỂN KINH TẾ SỐ
Kinh tế số tiếp tục tăng trưởng nhanh, ước chiếm khoảng 19,6% GDP. Kinh tế số lõi, gồm công nghiệp công nghệ thông tin, viễn thông và dịch vụ số, duy trì tốc độ tăng trưởng cao; kinh tế số trong các ngành, lĩnh vực có bước phát triển rõ nét, nhất là trong thương mại, tài chính, ngân hàng, logistics và du lịch.
Thương mại điện tử bán lẻ ước đạt trên 38 tỷ USD, tăng khoảng 21% so với năm trước. Thanh toán không dùng tiền mặt phát triển mạnh; giao dịch qua mã QR, ví điện tử và ngân hàng số chiếm tỷ trọng ngày càng lớn. Nhiều doanh nghiệp công nghệ số Việt Nam mở rộng thị trường ra nước ngoài, cung cấp dịch vụ phần mềm, nội dung số và giải pháp chuyển đổi số.
Chương trình hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số đã hỗ trợ hàng chục nghìn doanh nghiệp tiếp cận các nền tảng số về quản trị, kế toán, bán hàng, hoá đơn điện tử. Ngành công nghiệp bán dẫn có những bước tiến ban đầu với các dự án thiết kế vi mạch và đào tạo nhân lực.
@table kinh_te_so
Tuy nhiên, năng lực đổi mới sáng tạo của phần lớn doanh nghiệp trong nước còn hạn chế; tỷ lệ doanh nghiệp ứng dụng dữ liệu và trí tuệ nhân tạo trong sản xuất, kinh doanh còn thấp; hệ sinh thái khởi nghiệp sáng tạo trong lĩnh vực công nghệ số chưa thu hút được nhiều nguồn vốn dài hạn.
## VI. PHÁT TRIỂN XÃ HỘI SỐ
Xã hội số được thúc đẩy thông qua việc phổ cập điện thoại thông minh, tài khoản thanh toán, tài khoản định danh điện tử và kỹ năng số cho người dân. Tổ công nghệ số cộng đồng được thành lập tại hầu hết các thôn, tổ dân phố, trực tiếp hướng dẫn người dân cài đặt, sử dụng các ứng dụng thiết yếu.
Trong lĩnh vực y tế, hồ sơ sức khoẻ điện tử được triển khai rộng rãi, người dân có thể tra cứu thông tin khám, chữa bệnh trên ứng dụng định danh điện tử; giấy chuyển tuyến, giấy hẹn khám lại được liên thông điện tử. Trong lĩnh vực giáo dục, học bạ số được triển khai tại trên 95% cơ sở giáo dục phổ thông; hệ thống quản lý học tập trực tuyến hỗ trợ giáo viên và học sinh ở vùng khó khăn.
Nền tảng học trực tuyến mở đại trà đã cung cấp nhiều khoá học miễn phí về kỹ năng số cơ bản, an toàn trên không gian mạng, tài chính số; số lượt người tham gia ước đạt gần 22 triệu lượt.
@table xa_hoi_so
Khoảng cách số giữa thành thị và nông thôn, giữa các nhóm tuổi vẫn còn lớn; người cao tuổi, người khuyết tật, đồng bào dân tộc thiểu số ở vùng sâu, vùng xa còn gặp nhiều khó khăn khi tiếp cận dịch vụ số. Tình trạng lừa đảo trực tuyến gây tâm lý e ngại đối với một bộ phận người dân.
## VII. BẢO ĐẢM AN TOÀN THÔNG TIN MẠNG
Công tác bảo đảm an toàn thông tin mạng được triển khai đồng bộ theo mô hình bốn lớp: lực lượng tại chỗ, tổ chức giám sát và bảo vệ chuyên nghiệp, tổ chức kiểm tra, đánh giá độc lập và kết nối với hệ thống giám sát quốc gia. Tỷ lệ hệ thống thông tin của cơ quan nhà nước được phê duyệt cấp độ an toàn ước đạt trên 94%.
Số cuộc tấn công mạng gây ra sự cố vào các hệ thống tại Việt Nam giảm khoảng 19% so với năm 2025. Các đợt diễn tập thực chiến được tổ chức thường xuyên hơn, có sự tham gia của nhiều bộ, ngành, địa phương và doanh nghiệp, qua đó phát hiện và khắc phục nhiều lỗ hổng bảo mật. Chiến dịch bóc gỡ mã độc giúp giảm số địa chỉ máy tính nằm trong mạng máy tính ma.
@table attt
Tuy vậy, tỷ lệ hệ thống thông tin được triển khai đầy đủ phương án bảo vệ theo cấp độ còn chưa đạt yêu cầu; nguồn lực cho an toàn thông tin tại nhiều cơ quan, nhất là ở cấp huyện, cấp xã trước đây, còn mỏng; các hình thức tấn công bằng mã độc tống tiền và lừa đảo có chủ đích ngày càng tinh vi.
## VIII. PHÁT TRIỂN NHÂN LỰC SỐ VÀ KỸ NĂNG SỐ
Quy mô đào tạo nhân lực công nghệ số tiếp tục tăng; các cơ sở giáo dục đại học mở thêm nhiều ngành, chuyên ngành mới về khoa học dữ liệu, trí tuệ nhân tạo, an toàn thông tin và thiết kế vi mạch. Số kỹ sư công nghệ số tốt nghiệp mới ước đạt khoảng 72 nghìn người.
Công tác bồi dưỡng kỹ năng số cho cán bộ, công chức, viên chức được đẩy mạnh thông qua các khoá học trực tuyến; khoảng 74% cán bộ, công chức đã được bồi dưỡng kỹ năng số cơ bản, trong đó nhiều người được bồi dưỡng chuyên sâu về khai thác dữ liệu và bảo đảm an toàn thông tin. Các cơ quan nhà nước đã thí điểm cơ chế thu hút chuyên gia công nghệ số với chế độ đãi ngộ phù hợp.
Tuy nhiên, nhân lực chất lượng cao, nhất là chuyên gia về kiến trúc hệ thống, dữ liệu lớn, an toàn thông tin còn thiếu hụt; tình trạng dịch chuyển nhân lực công nghệ từ khu vực công sang khu vực tư nhân vẫn diễn ra.
## IX. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ ĐƯỢC GIAO NĂM 2026
Kế hoạch chuyển đổi số năm 2026 giao 24 nhiệm vụ trọng điểm cho các bộ, ngành, địa phương. Đến thời điểm xây dựng Đề án, 15 nhiệm vụ đã hoàn thành, 7 nhiệm vụ đang triển khai đúng tiến độ và 2 nhiệm vụ chậm tiến độ. Các nhiệm vụ chậm tiến độ chủ yếu liên quan đến thủ tục đầu tư và kết nối dữ liệu giữa nhiều cơ quan; các nhiệm vụ này được chuyển tiếp sang năm 2027 và đưa vào danh mục theo dõi đặc biệt.
@table nv_2026
Qua theo dõi cho thấy, các nhiệm vụ có sản phẩm rõ ràng, cơ quan chủ trì duy nhất và được bố trí kinh phí từ đầu năm thường hoàn thành đúng hạn; ngược lại, các nhiệm vụ đòi hỏi phối hợp của nhiều cơ quan, đặc biệt là nhiệm vụ về kết nối, chia sẻ dữ liệu, dễ bị chậm tiến độ. Đây là cơ sở để Đề án đề xuất giao rõ một cơ quan chủ trì, một sản phẩm và một thời hạn cho mỗi nhiệm vụ năm 2027.
## X. KẾT QUẢ THEO VÙNG VÀ LĨNH VỰC
Kết quả đo lường cho thấy mức độ chuyển đổi số có sự khác biệt giữa các vùng. Vùng Đông Nam Bộ và Đồng bằng sông Hồng dẫn đầu cả về chính quyền số, kinh tế số và xã hội số; vùng Trung du và miền núi phía Bắc và vùng Tây Nguyên có chỉ số thấp hơn, chủ yếu do hạn chế về hạ tầng, nguồn nhân lực và quy mô kinh tế.
@table vung
Trong các lĩnh vực ưu tiên, ngân hàng, logistics, giao thông và giáo dục là những lĩnh vực có mức độ chuyển đổi số cao; y tế, nông nghiệp và lao động - việc làm có tốc độ cải thiện nhanh nhưng vẫn còn nhiều dư địa. Kết quả chi tiết theo lĩnh vực được nêu tại Phụ lục IV.
@models
## XII. ĐÁNH GIÁ CHUNG
### 1. Kết quả nổi bật
1. Nhận thức và hành động về chuyển đổi số có chuyển biến mạnh mẽ; người đứng đầu các cấp trực tiếp chỉ đạo, coi chuyển đổi số là nhiệm vụ chính trị trọng tâm.
2. Thể chế cho chuyển đổi số được hoàn thiện một bước quan trọng, nhất là về giao dịch điện tử, dữ liệu và an toàn thông tin.
3. Hạ tầng số phát triển nhanh, vùng phủ 5G và cáp quang mở rộng, năng lực trung tâm dữ liệu tăng đáng kể.
4. Dữ liệu dân cư và nhiều cơ sở dữ liệu quốc gia được khai thác hiệu quả, giảm giấy tờ, thủ tục cho người dân và doanh nghiệp.
5. Phương thức làm việc của cơ quan nhà nước thay đổi căn bản: văn bản điện tử, chữ ký số, họp không giấy tờ trở thành thông lệ.
6. Kinh tế số tăng trưởng cao, đóng góp ngày càng lớn vào tăng trưởng kinh tế; thanh toán không dùng tiền mặt, thương mại điện tử phát triển mạnh.
### 2. Tồn tại, hạn chế
1. Kết quả chuyển đổi số chưa đồng đều giữa các bộ, ngành, địa phương; một số chỉ tiêu của Chương trình Chuyển đổi số quốc gia có nguy cơ không đạt.
2. Kết nối, chia sẻ dữ liệu còn vướng mắc; chất lượng dữ liệu tại một số cơ sở dữ liệu chưa bảo đảm "đúng, đủ, sạch, sống".
3. Nhiều dịch vụ công trực tuyến chưa thực sự thuận tiện; tỷ lệ hồ sơ nộp trực tuyến ở một số thủ tục còn thấp.
4. Bảo đảm an toàn thông tin ở một số hệ thống chưa đầy đủ; nguy cơ tấn công mạng, lừa đảo trực tuyến vẫn ở mức cao.
5. Cơ chế tài chính cho chuyển đổi số, nhất là thuê dịch vụ, còn nhiều vướng mắc; giải ngân kinh phí cho các dự án công nghệ thông tin còn chậm.
6. Nhân lực số chất lượng cao còn thiếu; kỹ năng số của một bộ phận cán bộ, công chức và người dân còn hạn chế.
### 3. Nguyên nhân
Về khách quan, chuyển đổi số là lĩnh vực mới, công nghệ thay đổi nhanh, đòi hỏi nguồn lực lớn trong khi nguồn lực của Nhà nước còn hạn chế; việc sắp xếp tổ chức bộ máy và đơn vị hành chính tạo ra yêu cầu phải điều chỉnh nhiều hệ thống thông tin trong thời gian ngắn.
Về chủ quan, một số người đứng đầu chưa thực sự quyết liệt; công tác phối hợp giữa các cơ quan trong kết nối, chia sẻ dữ liệu chưa chặt chẽ; một số quy định còn chồng chéo, chậm được sửa đổi; việc đầu tư hệ thống thông tin còn phân tán, thiếu kiến trúc tổng thể.
### 4. Bài học kinh nghiệm
1. Người đứng đầu phải trực tiếp chỉ đạo, chịu trách nhiệm và sử dụng các nền tảng số trong công việc hằng ngày.
2. Lấy người dân, doanh nghiệp làm trung tâm; đo lường kết quả bằng mức độ hài lòng và hiệu quả thực tế chứ không chỉ bằng số lượng hệ thống được đầu tư.
3. Dữ liệu phải đi trước một bước; xác định rõ cơ quan chủ quản, trách nhiệm cập nhật và cơ chế chia sẻ của từng loại dữ liệu.
4. Phát triển nền tảng dùng chung thay cho đầu tư riêng lẻ; ưu tiên thuê dịch vụ và sử dụng tiêu chuẩn mở.
5. An toàn thông tin là điều kiện tiên quyết, phải được tính đến ngay từ khâu thiết kế hệ thống.
@pagebreak
# PHẦN THỨ BA. KẾ HOẠCH CHUYỂN ĐỔI SỐ NĂM 2027
## I. BỐI CẢNH VÀ DỰ BÁO
Năm 2027, cuộc cách mạng công nghiệp lần thứ tư tiếp tục phát triển mạnh mẽ, trí tuệ nhân tạo tạo sinh, điện toán đám mây và công nghệ bán dẫn thay đổi sâu sắc phương thức sản xuất và quản trị. Cạnh tranh chiến lược về công nghệ giữa các quốc gia ngày càng gay gắt; các vấn đề về chủ quyền dữ liệu, an ninh mạng và quản trị trí tuệ nhân tạo được quan tâm đặc biệt.
Ở trong nước, hệ thống thể chế về chuyển đổi số cơ bản được hình thành; người dân và doanh nghiệp ngày càng quen thuộc với dịch vụ số. Đây là điều kiện thuận lợi để chuyển trọng tâm từ "số hoá" sang "khai thác giá trị dữ liệu", từ "có dịch vụ" sang "dịch vụ tốt", từ "đầu tư hệ thống" sang "vận hành hiệu quả".
Bên cạnh đó, áp lực về nguồn lực, yêu cầu bảo đảm an toàn thông tin ngày càng cao và kỳ vọng ngày càng lớn của xã hội đặt ra yêu cầu phải lựa chọn nhiệm vụ trọng tâm, triển khai dứt điểm, tránh dàn trải.
## II. QUAN ĐIỂM
1. Chuyển đổi số là nhiệm vụ chính trị trọng tâm, gắn với đột phá về khoa học, công nghệ và đổi mới sáng tạo; người đứng đầu chịu trách nhiệm trực tiếp về kết quả chuyển đổi số của cơ quan, đơn vị.
2. Người dân và doanh nghiệp là trung tâm, là chủ thể và là đối tượng thụ hưởng của chuyển đổi số; dịch vụ số phải đơn giản, an toàn, dễ sử dụng.
3. Dữ liệu là tài nguyên, là tư liệu sản xuất chính; thể chế, hạ tầng và nhân lực là điều kiện tiên quyết.
4. Bảo đảm an toàn thông tin, an ninh mạng, bảo vệ dữ liệu cá nhân và chủ quyền quốc gia trên không gian mạng xuyên suốt trong mọi hoạt động chuyển đổi số.
5. Huy động mọi nguồn lực xã hội; Nhà nước đóng vai trò kiến tạo, dẫn dắt, doanh nghiệp công nghệ số là lực lượng nòng cốt.
## III. MỤC TIÊU
### 1. Mục tiêu tổng quát
Tạo chuyển biến thực chất trong khai thác, sử dụng dữ liệu phục vụ chỉ đạo, điều hành và cung cấp dịch vụ; nâng cao chất lượng dịch vụ công trực tuyến; phát triển kinh tế số nhanh và bền vững; thu hẹp khoảng cách số; bảo đảm an toàn thông tin mạng, góp phần hoàn thành các mục tiêu phát triển kinh tế - xã hội năm 2027.
### 2. Mục tiêu cụ thể
**Về chính phủ số:**
- 70% thủ tục hành chính được cung cấp dưới dạng dịch vụ công trực tuyến toàn trình; 65% hồ sơ thủ tục hành chính được xử lý trực tuyến.
- 99% văn bản trao đổi giữa các cơ quan nhà nước dưới dạng điện tử, được ký bằng chữ ký số (trừ văn bản thuộc bí mật nhà nước).
- 95% phiên họp cấp bộ, cấp tỉnh được tổ chức theo hình thức không giấy tờ.
- 90% người dân hài lòng với dịch vụ công trực tuyến.
**Về dữ liệu số:**
- Hoàn thành và đưa vào vận hành đầy đủ 10 cơ sở dữ liệu quốc gia; 85% dữ liệu chủ được chuẩn hoá theo danh mục.
- Công bố tối thiểu 2.000 bộ dữ liệu mở; 100% bộ, ngành, địa phương kết nối với nền tảng tích hợp, chia sẻ dữ liệu quốc gia.
**Về kinh tế số:**
- Tỷ trọng kinh tế số đạt khoảng 21% GDP; 70% doanh nghiệp nhỏ và vừa sử dụng nền tảng số.
- Doanh thu thương mại điện tử bán lẻ đạt khoảng 45 tỷ USD.
**Về xã hội số:**
- 90% công dân trưởng thành có tài khoản định danh điện tử được kích hoạt; 90% người dân có hồ sơ sức khoẻ điện tử.
- 65% người trưởng thành có kỹ năng số cơ bản.
**Về an toàn thông tin mạng:**
- 100% hệ thống thông tin của cơ quan nhà nước được phê duyệt cấp độ và triển khai đầy đủ phương án bảo vệ theo cấp độ.
- 100% cơ quan nhà nước kết nối, chia sẻ thông tin với hệ thống giám sát quốc gia.
Bộ chỉ tiêu chi tiết năm 2027 được nêu tại Phụ lục I.
## IV. NHIỆM VỤ VÀ GIẢI PHÁP
### 1. Hoàn thiện thể chế, chính sách
1. Trình Chính phủ ban hành Nghị định quy định về giao dịch điện tử trong hoạt động của cơ quan nhà nước, trong đó quy định cụ thể về văn bản điện tử, hồ sơ điện tử, chữ ký số, phiên họp không giấy tờ và lấy ý kiến thành viên bằng phương tiện điện tử.
2. Ban hành danh mục dữ liệu chủ dùng chung, quy định trách nhiệm tạo lập, cập nhật, đồng bộ và chia sẻ đối với từng loại dữ liệu chủ.
3. Hoàn thiện cơ chế tài chính cho chuyển đổi số: hướng dẫn thuê dịch vụ công nghệ thông tin, định mức chi phí vận hành, đơn giá dịch vụ điện toán đám mây; cho phép bố trí kinh phí thuê dịch vụ nhiều năm.
4. Rà soát, sửa đổi các quy định còn yêu cầu bản giấy, yêu cầu có mặt trực tiếp không cần thiết, tạo điều kiện cho giao dịch điện tử hoàn toàn.
5. Xây dựng khung quản trị trí tuệ nhân tạo trong cơ quan nhà nước, bảo đảm minh bạch, trách nhiệm giải trình và an toàn.
### 2. Phát triển hạ tầng số
1. Mở rộng vùng phủ sóng 5G, ưu tiên khu công nghiệp, khu kinh tế, cơ sở giáo dục, y tế, khu vực biên giới và hải đảo; xoá vùng lõm sóng di động.
2. Phát triển hạ tầng trung tâm dữ liệu xanh, tiết kiệm năng lượng; hoàn thành giai đoạn tiếp theo của Trung tâm dữ liệu quốc gia.
3. Xây dựng nền tảng điện toán đám mây Chính phủ, khuyến khích các bộ, ngành, địa phương chuyển các hệ thống thông tin lên đám mây khi đáp ứng yêu cầu về an toàn thông tin.
4. Nâng cấp mạng truyền số liệu chuyên dùng, bảo đảm băng thông và độ sẵn sàng cho các hệ thống phục vụ chỉ đạo, điều hành và họp trực tuyến.
5. Thúc đẩy dùng chung hạ tầng viễn thông, cột ăng-ten, tuyến cống bể giữa các doanh nghiệp và với hạ tầng kỹ thuật khác.
### 3. Phát triển dữ liệu số
1. Hoàn thành các cơ sở dữ liệu quốc gia về đất đai, tài chính; đẩy nhanh xây dựng cơ sở dữ liệu về y tế, lao động, việc làm.
2. Triển khai chiến dịch làm sạch dữ liệu theo tiêu chí "đúng, đủ, sạch, sống"; đo lường và công bố chất lượng dữ liệu định kỳ hằng quý.
3. Kết nối 100% hệ thống thông tin giải quyết thủ tục hành chính với nền tảng tích hợp, chia sẻ dữ liệu; thực hiện nguyên tắc người dân chỉ cung cấp thông tin một lần.
4. Xây dựng kho dữ liệu phục vụ chỉ đạo, điều hành và dự báo kinh tế - xã hội; ứng dụng phân tích dữ liệu lớn hỗ trợ hoạch định chính sách.
5. Phát triển thị trường dữ liệu, sàn dữ liệu theo quy định, bảo đảm quyền lợi của chủ thể dữ liệu.
### 4. Phát triển chính phủ số
1. Tái cấu trúc quy trình, cung cấp thêm tối thiểu 200 dịch vụ công trực tuyến toàn trình có số lượng hồ sơ lớn; ưu tiên các nhóm thủ tục liên thông theo sự kiện trong đời sống của người dân và doanh nghiệp.
2. Cá nhân hoá trải nghiệm trên Cổng Dịch vụ công quốc gia; tự động điền thông tin từ các cơ sở dữ liệu; hỗ trợ thanh toán trực tuyến phí, lệ phí.
3. Mở rộng hệ thống họp không giấy tờ tới toàn bộ bộ, cơ quan ngang bộ và Uỷ ban nhân dân cấp tỉnh; bảo đảm hoạt động ổn định cả khi kết nối mạng gián đoạn; tài liệu họp được ký số và có khả năng tìm kiếm toàn văn.
4. Nâng cấp Hệ thống quản lý văn bản và điều hành theo hướng liên thông, hỗ trợ ký số từ xa, lưu trữ hồ sơ điện tử theo chuẩn.
5. Ứng dụng trí tuệ nhân tạo trong tra cứu văn bản, tóm tắt tài liệu, tổng hợp ý kiến góp ý và hỗ trợ trả lời người dân, bảo đảm có sự kiểm soát của con người.
6. Đo lường mức độ hài lòng của người dân theo thời gian thực đối với từng dịch vụ công.
### 5. Phát triển kinh tế số
1. Triển khai chương trình hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số theo ngành, theo chuỗi giá trị; ưu tiên các nền tảng số "Make in Viet Nam".
2. Phát triển thương mại điện tử xuyên biên giới, thương mại điện tử ở nông thôn gắn với truy xuất nguồn gốc hàng hoá.
3. Thúc đẩy phát triển ngành công nghiệp bán dẫn, trí tuệ nhân tạo, dịch vụ điện toán đám mây; hình thành các trung tâm đổi mới sáng tạo về công nghệ số.
4. Hoàn thiện cơ chế thử nghiệm có kiểm soát đối với các mô hình kinh doanh mới dựa trên công nghệ số.
### 6. Phát triển xã hội số
1. Duy trì hiệu quả hoạt động của tổ công nghệ số cộng đồng; hỗ trợ người cao tuổi, người khuyết tật, người dân ở vùng khó khăn sử dụng dịch vụ số.
2. Phổ cập kỹ năng số và kỹ năng bảo vệ bản thân trên không gian mạng thông qua nền tảng học trực tuyến mở đại trà.
3. Mở rộng ứng dụng bệnh án điện tử, hồ sơ sức khoẻ điện tử, học bạ số, văn bằng số.
4. Hỗ trợ thiết bị đầu cuối và gói cước ưu đãi cho hộ nghèo, hộ cận nghèo, học sinh, sinh viên có hoàn cảnh khó khăn.
### 7. Bảo đảm an toàn thông tin mạng
1. Hoàn thành phê duyệt cấp độ và triển khai đầy đủ phương án bảo đảm an toàn thông tin theo cấp độ đối với 100% hệ thống thông tin.
2. Tổ chức diễn tập thực chiến an toàn thông tin ở cấp quốc gia, cấp ngành và cấp địa phương; đánh giá định kỳ lỗ hổng bảo mật.
3. Tăng cường năng lực giám sát, cảnh báo sớm; kết nối 100% trung tâm giám sát của các bộ, ngành, địa phương với hệ thống giám sát quốc gia.
4. Đẩy mạnh phòng, chống lừa đảo trực tuyến; phối hợp giữa cơ quan quản lý, ngân hàng và doanh nghiệp viễn thông trong ngăn chặn giao dịch đáng ngờ.
5. Bảo đảm an toàn cho chữ ký số, thiết bị lưu khoá bí mật và các hệ thống xác thực điện tử.
### 8. Phát triển nhân lực số
1. Mở rộng quy mô, nâng cao chất lượng đào tạo nhân lực công nghệ số, nhất là về dữ liệu, trí tuệ nhân tạo, an toàn thông tin và bán dẫn.
2. Bồi dưỡng kỹ năng số, kỹ năng phân tích dữ liệu cho 90% cán bộ, công chức, viên chức; đưa nội dung chuyển đổi số vào chương trình bồi dưỡng lãnh đạo, quản lý.
3. Hoàn thiện cơ chế thu hút, đãi ngộ chuyên gia công nghệ số làm việc trong khu vực công.
### 9. Truyền thông và hợp tác quốc tế
1. Đẩy mạnh truyền thông về lợi ích của chuyển đổi số, các dịch vụ số thiết yếu, cách nhận biết và phòng tránh lừa đảo trực tuyến.
2. Biểu dương, nhân rộng các mô hình, cách làm hay trong chuyển đổi số.
3. Tăng cường hợp tác quốc tế về thể chế số, tiêu chuẩn dữ liệu, an ninh mạng và đào tạo nhân lực.
## V. KINH PHÍ THỰC HIỆN
Kinh phí thực hiện Đề án được bố trí từ ngân sách nhà nước theo phân cấp hiện hành, nguồn vốn của doanh nghiệp và các nguồn hợp pháp khác. Ưu tiên bố trí kinh phí cho các nền tảng dùng chung, cơ sở dữ liệu quốc gia và bảo đảm an toàn thông tin; khuyến khích áp dụng hình thức thuê dịch vụ và hợp tác công tư.
@table kinh_phi
## VI. LỘ TRÌNH TRIỂN KHAI
Các nhóm nhiệm vụ được triển khai theo lộ trình hằng quý để bảo đảm tiến độ và thuận lợi cho công tác kiểm tra, giám sát. Các bộ, ngành, địa phương căn cứ lộ trình chung để xây dựng kế hoạch chi tiết của mình.
@table lo_trinh
## VII. QUẢN LÝ RỦI RO
Trong quá trình triển khai, các cơ quan chủ trì cần nhận diện sớm rủi ro và chủ động áp dụng biện pháp giảm thiểu. Các rủi ro chính được tổng hợp như sau:
@table rui_ro
@pagebreak
# PHẦN THỨ TƯ. TỔ CHỨC THỰC HIỆN
## I. TRÁCH NHIỆM CỦA CÁC CƠ QUAN
### 1. Bộ Khoa học và Công nghệ
Là cơ quan thường trực, chủ trì hướng dẫn, đôn đốc, kiểm tra việc triển khai Đề án; tổng hợp, báo cáo Uỷ ban Quốc gia về chuyển đổi số và Thủ tướng Chính phủ; chủ trì xây dựng, vận hành các nền tảng số dùng chung được giao; công bố kết quả đo lường mức độ chuyển đổi số hằng năm.
### 2. Bộ Công an
Chủ trì bảo đảm an ninh mạng, an ninh dữ liệu; quản lý, vận hành Cơ sở dữ liệu quốc gia về dân cư, Trung tâm dữ liệu quốc gia và nền tảng tích hợp, chia sẻ dữ liệu quốc gia; chủ trì phòng, chống tội phạm sử dụng công nghệ cao.
### 3. Bộ Tài chính
Chủ trì, phối hợp với Bộ Khoa học và Công nghệ bố trí kinh phí thực hiện Đề án; hướng dẫn cơ chế tài chính cho thuê dịch vụ công nghệ thông tin; hoàn thành Cơ sở dữ liệu quốc gia về tài chính.
### 4. Văn phòng Chính phủ
Chủ trì cải cách thủ tục hành chính, phát triển Cổng Dịch vụ công quốc gia, Hệ thống thông tin báo cáo quốc gia và hệ thống họp không giấy tờ của Chính phủ; theo dõi, đôn đốc việc thực hiện các nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao.
### 5. Bộ Nội vụ
Chủ trì xây dựng quy định về lưu trữ hồ sơ điện tử; bồi dưỡng kỹ năng số cho cán bộ, công chức, viên chức; hoàn thiện chính sách thu hút nhân lực công nghệ số vào khu vực công.
### 6. Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ
Xây dựng, ban hành kế hoạch chuyển đổi số năm 2027 của bộ, ngành; chủ trì chuyển đổi số trong ngành, lĩnh vực quản lý; hoàn thành các cơ sở dữ liệu được giao; bảo đảm chất lượng dữ liệu và kết nối, chia sẻ dữ liệu theo quy định.
### 7. Uỷ ban nhân dân các tỉnh, thành phố trực thuộc trung ương
Ban hành kế hoạch chuyển đổi số năm 2027 của địa phương; bố trí ngân sách địa phương; chỉ đạo triển khai chuyển đổi số ở cấp xã; duy trì hoạt động của tổ công nghệ số cộng đồng; bảo đảm an toàn thông tin cho các hệ thống thuộc phạm vi quản lý.
### 8. Doanh nghiệp công nghệ số, hiệp hội
Đầu tư phát triển hạ tầng số, nền tảng số; tham gia cung cấp dịch vụ cho cơ quan nhà nước theo hình thức thuê dịch vụ; phối hợp bảo đảm an toàn thông tin và hỗ trợ người dân, doanh nghiệp nhỏ và vừa chuyển đổi số.
## II. CHẾ ĐỘ BÁO CÁO, GIÁM SÁT VÀ ĐÁNH GIÁ
1. Các bộ, ngành, địa phương cập nhật kết quả thực hiện các chỉ tiêu trên hệ thống thông tin báo cáo hằng tháng, trước ngày 20 của tháng; báo cáo sơ kết 6 tháng trước ngày 15 tháng 6 và báo cáo năm trước ngày 15 tháng 12 năm 2027.
2. Bộ Khoa học và Công nghệ tổng hợp, báo cáo Uỷ ban Quốc gia về chuyển đổi số định kỳ hằng quý; kiến nghị xử lý đối với các cơ quan chậm triển khai.
3. Kết quả thực hiện Đề án là một tiêu chí đánh giá mức độ hoàn thành nhiệm vụ của cơ quan, đơn vị và người đứng đầu.
4. Dữ liệu phục vụ giám sát được thu thập tự động từ các hệ thống thông tin trong phạm vi có thể, giảm báo cáo thủ công.
## III. KIẾN NGHỊ
Bộ Khoa học và Công nghệ kính đề nghị Chính phủ:
1. Thông qua Đề án chuyển đổi số quốc gia: kết quả và kế hoạch năm 2027, làm cơ sở để các bộ, ngành, địa phương tổ chức thực hiện.
2. Giao các bộ, ngành, địa phương xây dựng kế hoạch chi tiết năm 2027, hoàn thành trong quý I năm 2027.
3. Cho phép áp dụng cơ chế đặc thù về thuê dịch vụ và bố trí kinh phí đối với các nhiệm vụ trọng điểm nêu tại Phụ lục II.
"""

def cover(pdf):
    pdf.add_page()
    pdf.official_header(
        ["BỘ KHOA HỌC", "VÀ CÔNG NGHỆ"],
        "",
        "Hà Nội, tháng 11 năm 2026",
    )
    pdf.ln(40)
    pdf.centered("ĐỀ ÁN", "B", 22, lh=1.6, after=4)
    pdf.centered("CHUYỂN ĐỔI SỐ QUỐC GIA:", "B", 16, lh=1.5)
    pdf.centered("KẾT QUẢ VÀ KẾ HOẠCH NĂM 2027", "B", 16, lh=1.5, after=6)
    pdf.centered("(Tài liệu trình phiên họp Chính phủ — tài liệu mẫu)", "I", 12, after=40)
    pdf.note(
        "Lưu ý: Đây là tài liệu mẫu dùng để trình diễn hệ thống họp không giấy tờ "
        "eCabinet và làm tài liệu chuẩn khoảng 50 trang cho phép đo hiệu năng hiển "
        "thị. Nội dung do dự án tự soạn; mọi số liệu là số liệu minh hoạ."
    )


# --- Bổ sung: kinh nghiệm quốc tế, mô hình tiêu biểu, thuyết minh nhiệm vụ, ý kiến góp ý

INTERNATIONAL = r"""
## IV. KINH NGHIỆM QUỐC TẾ VÀ BÀI HỌC THAM KHẢO
Nghiên cứu kinh nghiệm của một số quốc gia có trình độ chính phủ số cao cho thấy một số điểm chung có thể tham khảo trong quá trình xây dựng và tổ chức thực hiện Đề án:
1. **Lớp trao đổi dữ liệu thống nhất:** các quốc gia dẫn đầu đều xây dựng một lớp trao đổi dữ liệu chung, phi tập trung, có cơ chế xác thực và ghi nhật ký, cho phép các cơ quan chia sẻ dữ liệu mà không phải xây dựng kết nối riêng lẻ với nhau.
2. **Định danh số duy nhất:** mỗi công dân có một danh tính số được sử dụng cho mọi dịch vụ công và nhiều dịch vụ của khu vực tư nhân; chữ ký số được phổ cập và có giá trị pháp lý tương đương chữ ký tay.
3. **Nguyên tắc "chỉ một lần":** cơ quan nhà nước không được yêu cầu người dân cung cấp lại thông tin đã có; nguyên tắc này được luật hoá và giám sát thực hiện.
4. **Đội ngũ dịch vụ số chuyên nghiệp:** nhiều chính phủ thành lập đơn vị chuyên trách thiết kế dịch vụ số, áp dụng phương pháp lấy người dùng làm trung tâm, phát triển lặp và đo lường liên tục.
5. **Minh bạch và niềm tin:** công khai cách thức sử dụng dữ liệu cá nhân, cho phép người dân theo dõi cơ quan nào đã truy cập dữ liệu của mình, qua đó củng cố niềm tin vào dịch vụ số.
Từ những kinh nghiệm trên, Đề án đề xuất tập trung vào các nền tảng dùng chung, chất lượng dữ liệu và trải nghiệm người dùng thay vì mở rộng số lượng hệ thống thông tin.
"""

MODELS = r"""
## XI. MỘT SỐ MÔ HÌNH TIÊU BIỂU
Trong năm 2026, nhiều bộ, ngành, địa phương đã triển khai các mô hình chuyển đổi số hiệu quả, có khả năng nhân rộng. Dưới đây là một số mô hình tiêu biểu được mô tả ở dạng khái quát (không nêu tên đơn vị, số liệu minh hoạ).
### Mô hình 1. Trung tâm giám sát, điều hành thông minh cấp tỉnh
Trung tâm tích hợp dữ liệu từ hệ thống giải quyết thủ tục hành chính, hệ thống camera giao thông, quan trắc môi trường, phản ánh hiện trường của người dân. Lãnh đạo tỉnh theo dõi các chỉ tiêu kinh tế - xã hội theo thời gian thực; phản ánh của người dân được chuyển tự động đến cơ quan có thẩm quyền, thời gian xử lý trung bình giảm từ 7 ngày xuống còn 2,5 ngày.
Điều kiện thành công của mô hình là xác định rõ cơ quan chủ trì vận hành, ban hành quy chế phối hợp xử lý phản ánh, chuẩn hoá dữ liệu đầu vào và đào tạo đội ngũ phân tích dữ liệu tại chỗ.
### Mô hình 2. Họp không giấy tờ và xử lý văn bản trên thiết bị di động
Một bộ đã chuyển toàn bộ các cuộc họp của lãnh đạo bộ sang hình thức không giấy tờ. Tài liệu được phát hành trước ít nhất 03 ngày, thành viên nghiên cứu, ghi chú trên máy tính bảng; hệ thống vẫn hoạt động khi mạng trong phòng họp bị gián đoạn. Trong năm, đơn vị tiết kiệm ước tính khoảng 1,2 triệu trang in; thời gian chuẩn bị tài liệu giảm khoảng 60%.
Kết hợp với chữ ký số từ xa, lãnh đạo bộ có thể phê duyệt, ký văn bản ngay trên thiết bị di động, rút ngắn thời gian xử lý hồ sơ trình.
### Mô hình 3. Dịch vụ công liên thông theo sự kiện đời sống
Một địa phương đã thí điểm gói dịch vụ liên thông cho sự kiện "sinh con", trong đó người dân chỉ khai báo một lần trên Cổng Dịch vụ công để thực hiện đồng thời các thủ tục đăng ký khai sinh, đăng ký thường trú và cấp thẻ bảo hiểm y tế. Dữ liệu được lấy tự động từ cơ sở dữ liệu dân cư và hồ sơ sức khoẻ điện tử; tỷ lệ hồ sơ trực tuyến đạt trên 90%.
### Mô hình 4. Nông nghiệp số gắn với truy xuất nguồn gốc
Hợp tác xã nông nghiệp ứng dụng nhật ký canh tác điện tử, mã số vùng trồng và tem truy xuất nguồn gốc. Dữ liệu sản xuất được kết nối với sàn thương mại điện tử, giúp tăng giá bán trung bình khoảng 12% và mở rộng thị trường xuất khẩu. Mô hình có chi phí đầu tư thấp, phù hợp để nhân rộng tại nhiều địa phương.
### Mô hình 5. Tổ công nghệ số cộng đồng hỗ trợ người cao tuổi
Tổ công nghệ số cộng đồng tại các phường tổ chức "ngày thứ Bảy số" hằng tháng, hướng dẫn người cao tuổi sử dụng ứng dụng định danh điện tử, thanh toán trực tuyến và nhận diện tin nhắn lừa đảo. Sau một năm, tỷ lệ người cao tuổi biết sử dụng dịch vụ công trực tuyến tại các phường thí điểm tăng từ 18% lên 41%.
"""

# (mục tiêu, [nội dung chủ yếu], sản phẩm, chỉ số đánh giá) cho từng nhiệm vụ ở Phụ lục II
TASK_DETAILS = {
    1: ("Tạo hành lang pháp lý đầy đủ cho giao dịch điện tử trong hoạt động của cơ quan nhà nước.",
        ["Tổng kết thực tiễn thi hành, đánh giá tác động chính sách.", "Soạn thảo, lấy ý kiến các bộ, ngành, địa phương và đối tượng chịu tác động.", "Trình Chính phủ xem xét, ban hành."],
        "Nghị định được Chính phủ ban hành.", "Ban hành đúng thời hạn; 100% bộ, địa phương ban hành quy chế nội bộ trong 06 tháng."),
    2: ("Bảo đảm các hệ thống thông tin được đầu tư theo kiến trúc thống nhất, có khả năng liên thông.",
        ["Rà soát kiến trúc hiện hành, cập nhật mô hình tham chiếu.", "Bổ sung các thành phần về dữ liệu, điện toán đám mây, trí tuệ nhân tạo."],
        "Khung kiến trúc Chính phủ số phiên bản cập nhật.", "100% bộ, địa phương cập nhật kiến trúc của mình trong năm 2027."),
    3: ("Tháo gỡ vướng mắc về cơ chế tài chính khi thuê dịch vụ công nghệ thông tin.",
        ["Hướng dẫn lập dự toán, thẩm định giá thuê dịch vụ.", "Hướng dẫn bố trí kinh phí thuê dịch vụ nhiều năm."],
        "Thông tư hướng dẫn.", "Thời gian chuẩn bị hợp đồng thuê dịch vụ giảm tối thiểu 30%."),
    4: ("Xác định nguồn dữ liệu gốc, tránh trùng lặp, mâu thuẫn giữa các cơ sở dữ liệu.",
        ["Xác định danh mục dữ liệu chủ và cơ quan chịu trách nhiệm.", "Quy định tần suất cập nhật, đồng bộ dữ liệu chủ."],
        "Danh mục dữ liệu chủ dùng chung được ban hành.", "85% dữ liệu chủ được chuẩn hoá theo danh mục."),
    5: ("Bảo đảm hồ sơ điện tử được lưu trữ an toàn, lâu dài, có giá trị pháp lý.",
        ["Rà soát quy định về thời hạn bảo quản, định dạng lưu trữ.", "Bổ sung quy định về nộp lưu hồ sơ điện tử."],
        "Văn bản sửa đổi, bổ sung.", "Ban hành đúng thời hạn."),
    6: ("Mở rộng vùng phủ 5G phục vụ sản xuất, quản lý và người dân.",
        ["Lắp đặt trạm phát sóng tại khu công nghiệp, khu vực biên giới, hải đảo.", "Dùng chung hạ tầng giữa các doanh nghiệp."],
        "Hạ tầng 5G được mở rộng.", "85% dân số được phủ sóng 5G."),
    7: ("Bảo đảm văn bản điện tử được gửi, nhận thông suốt, an toàn giữa mọi cơ quan.",
        ["Nâng cấp năng lực xử lý của Trục liên thông văn bản quốc gia.", "Tích hợp dịch vụ ký số từ xa, kiểm tra chữ ký số tự động."],
        "Trục liên thông văn bản quốc gia phiên bản nâng cấp.", "Thời gian hoạt động liên tục đạt tối thiểu 99,9%."),
    8: ("Tăng năng lực kết nối, chia sẻ dữ liệu giữa các cơ quan nhà nước.",
        ["Mở rộng năng lực xử lý, bổ sung dịch vụ chia sẻ dữ liệu.", "Xây dựng công cụ giám sát chất lượng giao dịch chia sẻ dữ liệu."],
        "Nền tảng được nâng cấp.", "100% bộ, địa phương kết nối; thời gian phản hồi trung bình dưới 2 giây."),
    9: ("Tập trung hạ tầng lưu trữ, xử lý dữ liệu của các cơ quan nhà nước.",
        ["Đầu tư mở rộng hạ tầng.", "Di chuyển các cơ sở dữ liệu ưu tiên về trung tâm dữ liệu quốc gia."],
        "Hạ tầng trung tâm dữ liệu quốc gia giai đoạn tiếp theo.", "Tối thiểu 10 cơ sở dữ liệu được di chuyển, vận hành ổn định."),
    10: ("Cung cấp hạ tầng điện toán đám mây an toàn, dùng chung cho cơ quan nhà nước.",
         ["Xây dựng tiêu chí, quy trình đánh giá dịch vụ đám mây.", "Triển khai nền tảng và hướng dẫn di chuyển hệ thống."],
         "Nền tảng điện toán đám mây Chính phủ.", "Tối thiểu 30% hệ thống thông tin cấp bộ, cấp tỉnh sử dụng đám mây."),
    11: ("Hoàn thành cơ sở dữ liệu đất đai thống nhất trên phạm vi cả nước.",
         ["Hoàn thiện số hoá hồ sơ địa chính còn lại.", "Kết nối với cơ sở dữ liệu dân cư, thuế, công chứng."],
         "Cơ sở dữ liệu quốc gia về đất đai vận hành đầy đủ.", "100% đơn vị hành chính cấp xã có dữ liệu địa chính được đồng bộ."),
    12: ("Hình thành nguồn dữ liệu tài chính công tập trung, phục vụ điều hành ngân sách.",
         ["Tích hợp dữ liệu thu, chi ngân sách, nợ công, tài sản công.", "Xây dựng công cụ phân tích, báo cáo tự động."],
         "Cơ sở dữ liệu quốc gia về tài chính.", "Báo cáo tài chính công được lập tự động từ dữ liệu."),
    13: ("Mỗi người dân có hồ sơ sức khoẻ điện tử được cập nhật thường xuyên.",
         ["Chuẩn hoá dữ liệu khám, chữa bệnh.", "Kết nối dữ liệu từ cơ sở khám, chữa bệnh và bảo hiểm y tế."],
         "Cơ sở dữ liệu hồ sơ sức khoẻ điện tử.", "90% người dân có hồ sơ sức khoẻ điện tử."),
    14: ("Khơi thông nguồn dữ liệu mở phục vụ nghiên cứu, đổi mới sáng tạo.",
         ["Lựa chọn, làm sạch các bộ dữ liệu có giá trị cao.", "Công bố trên Cổng dữ liệu quốc gia theo định dạng mở."],
         "Các bộ dữ liệu mở được công bố.", "Tối thiểu 2.000 bộ dữ liệu mở."),
    15: ("Nâng cao chất lượng dữ liệu theo tiêu chí đúng, đủ, sạch, sống.",
         ["Xây dựng bộ tiêu chí đo lường chất lượng dữ liệu.", "Đo lường định kỳ, công bố kết quả hằng quý."],
         "Báo cáo chất lượng dữ liệu hằng quý.", "100% cơ sở dữ liệu quốc gia được đo lường."),
    16: ("Tăng số lượng và chất lượng dịch vụ công trực tuyến toàn trình.",
         ["Lựa chọn thủ tục có số lượng hồ sơ lớn.", "Tái cấu trúc quy trình, tự động điền dữ liệu, thanh toán trực tuyến."],
         "Tối thiểu 200 dịch vụ công trực tuyến toàn trình mới.", "70% thủ tục hành chính cung cấp trực tuyến toàn trình."),
    17: ("Tổ chức phiên họp không giấy tờ ở tất cả các bộ, ngành và địa phương.",
         ["Triển khai hệ thống họp không giấy tờ hoạt động được khi mất kết nối mạng.", "Phát hành tài liệu họp dưới dạng văn bản điện tử có ký số, tìm kiếm được.", "Đào tạo thư ký, thành viên dự họp."],
         "Hệ thống họp không giấy tờ vận hành tại 100% bộ, cơ quan ngang bộ và Uỷ ban nhân dân cấp tỉnh.", "95% phiên họp cấp bộ, cấp tỉnh không giấy tờ."),
    18: ("Cung cấp số liệu trực tuyến, kịp thời phục vụ chỉ đạo, điều hành.",
         ["Chuẩn hoá chế độ báo cáo.", "Kết nối tự động với hệ thống báo cáo của các bộ, ngành, địa phương."],
         "Hệ thống thông tin báo cáo quốc gia phiên bản mới.", "80% chỉ tiêu báo cáo được cập nhật tự động."),
    19: ("Hỗ trợ cán bộ, công chức tra cứu, tổng hợp thông tin nhanh, chính xác.",
         ["Xây dựng kho văn bản được chuẩn hoá.", "Thử nghiệm trợ lý ảo tra cứu văn bản, tóm tắt tài liệu với sự kiểm soát của con người."],
         "Công cụ hỗ trợ tra cứu, tổng hợp.", "Thời gian tổng hợp ý kiến góp ý giảm tối thiểu 40%."),
    20: ("Bảo đảm hồ sơ điện tử có thể nộp lưu, bảo quản lâu dài.",
         ["Ban hành chuẩn định dạng, siêu dữ liệu hồ sơ điện tử.", "Hướng dẫn các cơ quan lập hồ sơ điện tử."],
         "Chuẩn hồ sơ điện tử nộp lưu.", "100% bộ, địa phương áp dụng chuẩn."),
    21: ("Giúp doanh nghiệp nhỏ và vừa tiếp cận nền tảng số phù hợp với chi phí thấp.",
         ["Lựa chọn nền tảng số đạt yêu cầu.", "Hỗ trợ chi phí sử dụng trong năm đầu, tư vấn chuyển đổi số theo ngành."],
         "Chương trình hỗ trợ được triển khai.", "70% doanh nghiệp nhỏ và vừa sử dụng nền tảng số."),
    22: ("Mở rộng thị trường tiêu thụ nông sản thông qua thương mại điện tử.",
         ["Đưa sản phẩm nông nghiệp lên sàn thương mại điện tử.", "Gắn mã truy xuất nguồn gốc cho sản phẩm."],
         "Sản phẩm nông nghiệp có mặt trên sàn thương mại điện tử.", "Doanh thu thương mại điện tử nông thôn tăng tối thiểu 20%."),
    23: ("Thuận tiện hoá việc nộp phí, lệ phí và thanh toán dịch vụ công.",
         ["Tích hợp thanh toán trực tuyến trên các cổng dịch vụ công.", "Đối soát tự động với kho bạc."],
         "Dịch vụ thanh toán trực tuyến được tích hợp.", "50% giao dịch phí, lệ phí thanh toán trực tuyến."),
    24: ("Thay thế bệnh án giấy bằng bệnh án điện tử.",
         ["Hướng dẫn tiêu chí bệnh án điện tử.", "Hỗ trợ các cơ sở khám, chữa bệnh triển khai."],
         "Bệnh án điện tử được triển khai rộng rãi.", "80% bệnh viện triển khai bệnh án điện tử."),
    25: ("Nâng cao kỹ năng số cho người dân.",
         ["Bổ sung khoá học kỹ năng số, an toàn trên không gian mạng.", "Phối hợp tổ công nghệ số cộng đồng tổ chức học tập."],
         "Các khoá học trực tuyến mở.", "65% người trưởng thành có kỹ năng số cơ bản."),
    26: ("Kiểm tra năng lực phòng thủ, ứng cứu sự cố ở quy mô quốc gia.",
         ["Xây dựng kịch bản tấn công thực tế.", "Tổ chức diễn tập, đánh giá, khắc phục điểm yếu."],
         "Báo cáo kết quả diễn tập.", "100% hệ thống tham gia diễn tập được khắc phục lỗ hổng trong 30 ngày."),
    27: ("Bảo đảm an toàn cho các hệ thống thông tin quan trọng.",
         ["Kiểm tra, đánh giá an toàn thông tin.", "Giám sát việc khắc phục."],
         "Báo cáo đánh giá.", "100% hệ thống cấp độ 4, 5 được đánh giá."),
    28: ("Nâng cao năng lực số của đội ngũ cán bộ, công chức, viên chức.",
         ["Xây dựng khung năng lực số.", "Tổ chức bồi dưỡng trực tuyến và trực tiếp."],
         "Chương trình bồi dưỡng được triển khai.", "90% cán bộ, công chức được bồi dưỡng."),
    29: ("Tăng nguồn cung chuyên gia về dữ liệu và an toàn thông tin.",
         ["Mở ngành, chuyên ngành mới.", "Hợp tác với doanh nghiệp trong đào tạo thực hành."],
         "Các chương trình đào tạo mới.", "Số sinh viên tuyển mới các ngành liên quan tăng 15%."),
    30: ("Đánh giá kết quả, rút kinh nghiệm và đề xuất kế hoạch năm tiếp theo.",
         ["Tổng hợp báo cáo của các bộ, ngành, địa phương.", "Đo lường bộ chỉ tiêu, tổ chức hội nghị sơ kết."],
         "Báo cáo sơ kết trình Chính phủ.", "Hoàn thành trong tháng 12 năm 2027."),
}


def render_task_details(pdf):
    """Phụ lục thuyết minh: một mục cho mỗi nhiệm vụ ở Phụ lục II."""
    rows = TABLES["nhiem_vu"]["rows"][1:]
    group = ""
    for tt, name, lead, partner, deadline in rows:
        if not tt.isdigit():
            group = f"{tt}. {name}"
            pdf.heading(f"Nhóm {group}", 2, keep=50)
            continue
        goal, content, product, measure = TASK_DETAILS[int(tt)]
        pdf.heading(f"Nhiệm vụ {tt}. {name}", 3)
        when = "thường xuyên trong năm 2027" if deadline == "Thường xuyên" else f"{deadline} năm 2027"
        pdf.para(f"**Cơ quan chủ trì:** {lead}. **Phối hợp:** {partner}. **Thời hạn:** {when}.",
                 indent=0, gap=1.0)
        pdf.para(f"**Mục tiêu:** {goal}", indent=0, gap=1.0)
        pdf.para("**Nội dung chủ yếu:**", indent=0, gap=0.5)
        for c in content:
            pdf.para(c, bullet="-", left=5, gap=0.6)
        pdf.para(f"**Sản phẩm:** {product}", indent=0, gap=1.0)
        pdf.para(f"**Chỉ số đánh giá:** {measure}", indent=0, gap=2.5)


TABLES["nv_2026"] = dict(
    caption="Bảng 7. Tình hình thực hiện một số nhiệm vụ trọng điểm năm 2026 (nội dung minh hoạ)",
    widths=[10, 84, 40, 36],
    align=["C", "L", "L", "C"],
    size=9.5,
    rows=[
        ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Kết quả"],
        ["1", "Ban hành quy định về phân loại dữ liệu và danh mục dữ liệu dùng chung", "Bộ Công an", "Hoàn thành"],
        ["2", "Hướng dẫn thí điểm thuê dịch vụ điện toán đám mây", "Bộ Tài chính", "Hoàn thành"],
        ["3", "Nâng cấp Cổng Dịch vụ công quốc gia, đăng nhập một lần", "Văn phòng Chính phủ", "Hoàn thành"],
        ["4", "Triển khai chữ ký số từ xa cho lãnh đạo các cấp", "Ban Cơ yếu Chính phủ", "Hoàn thành"],
        ["5", "Triển khai hệ thống họp không giấy tờ tại các bộ, cơ quan ngang bộ", "Văn phòng Chính phủ", "Đang triển khai"],
        ["6", "Kết nối nền tảng tích hợp, chia sẻ dữ liệu cấp bộ, cấp tỉnh", "Bộ Công an", "Hoàn thành"],
        ["7", "Số hoá hồ sơ địa chính", "Bộ Nông nghiệp và Môi trường", "Chậm tiến độ"],
        ["8", "Xây dựng cơ sở dữ liệu quốc gia về tài chính", "Bộ Tài chính", "Đang triển khai"],
        ["9", "Triển khai học bạ số tại cơ sở giáo dục phổ thông", "Bộ Giáo dục và Đào tạo", "Hoàn thành"],
        ["10", "Liên thông giấy chuyển tuyến, giấy hẹn khám lại điện tử", "Bộ Y tế", "Hoàn thành"],
        ["11", "Chiến dịch bóc gỡ mã độc, giảm mạng máy tính ma", "Bộ Công an", "Hoàn thành"],
        ["12", "Đo lường mức độ chuyển đổi số của bộ, ngành, địa phương", "Bộ Khoa học và Công nghệ", "Hoàn thành"],
        ["13", "Thành lập tổ công nghệ số cộng đồng tại thôn, tổ dân phố", "Uỷ ban nhân dân cấp tỉnh", "Hoàn thành"],
        ["14", "Di chuyển hệ thống thông tin lên trung tâm dữ liệu quốc gia (đợt 1)", "Bộ Công an", "Chậm tiến độ"],
        ["15", "Bồi dưỡng kỹ năng số cho cán bộ, công chức", "Bộ Nội vụ", "Đang triển khai"],
    ],
    note="Ghi chú: nội dung minh hoạ; bảng chỉ nêu 15 trong số 24 nhiệm vụ.",
)

TABLES["van_ban"] = dict(
    caption="Danh mục văn bản dự kiến xây dựng, sửa đổi năm 2027 (nội dung minh hoạ)",
    widths=[10, 78, 26, 34, 22],
    align=["C", "L", "C", "L", "C"],
    size=9.5,
    rows=[
        ["TT", "Tên văn bản", "Hình thức", "Cơ quan chủ trì", "Thời hạn trình"],
        ["1", "Nghị định quy định về giao dịch điện tử trong hoạt động của cơ quan nhà nước", "Nghị định", "Bộ Khoa học và Công nghệ", "Quý II"],
        ["2", "Nghị định sửa đổi quy định về quản lý đầu tư ứng dụng công nghệ thông tin sử dụng ngân sách nhà nước", "Nghị định", "Bộ Khoa học và Công nghệ", "Quý III"],
        ["3", "Quyết định ban hành danh mục dữ liệu chủ dùng chung", "Quyết định của Thủ tướng Chính phủ", "Bộ Công an", "Quý II"],
        ["4", "Thông tư hướng dẫn thuê dịch vụ công nghệ thông tin", "Thông tư", "Bộ Tài chính", "Quý I"],
        ["5", "Thông tư quy định định dạng, siêu dữ liệu hồ sơ điện tử nộp lưu", "Thông tư", "Bộ Nội vụ", "Quý III"],
        ["6", "Quy chuẩn kỹ thuật quốc gia về kết nối, chia sẻ dữ liệu", "Quy chuẩn", "Bộ Khoa học và Công nghệ", "Quý III"],
        ["7", "Quy chế tổ chức phiên họp không giấy tờ của Chính phủ", "Quyết định của Thủ tướng Chính phủ", "Văn phòng Chính phủ", "Quý II"],
        ["8", "Hướng dẫn quản trị trí tuệ nhân tạo trong cơ quan nhà nước", "Văn bản hướng dẫn", "Bộ Khoa học và Công nghệ", "Quý IV"],
        ["9", "Khung năng lực số của cán bộ, công chức, viên chức", "Quyết định", "Bộ Nội vụ", "Quý II"],
        ["10", "Quy định về đo lường chất lượng dữ liệu", "Thông tư", "Bộ Công an", "Quý III"],
        ["11", "Hướng dẫn bảo đảm an toàn thông tin cho chữ ký số từ xa", "Văn bản hướng dẫn", "Ban Cơ yếu Chính phủ", "Quý II"],
        ["12", "Bộ chỉ số đánh giá chuyển đổi số năm 2027", "Quyết định", "Bộ Khoa học và Công nghệ", "Quý I"],
    ],
    note="Ghi chú: danh mục minh hoạ, chỉ dùng cho tài liệu mẫu.",
)

TABLES["gop_y"] = dict(
    caption="Tổng hợp, tiếp thu, giải trình ý kiến góp ý đối với dự thảo Đề án (nội dung minh hoạ)",
    widths=[10, 34, 63, 63],
    align=["C", "L", "L", "L"],
    size=9,
    rows=[
        ["TT", "Cơ quan góp ý", "Nội dung góp ý", "Tiếp thu, giải trình"],
        ["1", "Bộ Tài chính", "Đề nghị làm rõ nguồn kinh phí cho các nhiệm vụ thuê dịch vụ nhiều năm.", "Tiếp thu; đã bổ sung tại Mục V Phần thứ ba và nhiệm vụ số 3 Phụ lục II."],
        ["2", "Bộ Công an", "Đề nghị bổ sung yêu cầu đo lường chất lượng dữ liệu của cơ sở dữ liệu quốc gia.", "Tiếp thu; bổ sung nhiệm vụ số 15 và chỉ tiêu số 6 Phụ lục I."],
        ["3", "Văn phòng Chính phủ", "Đề nghị bổ sung mục tiêu về họp không giấy tờ ở cấp bộ, cấp tỉnh.", "Tiếp thu; bổ sung mục tiêu 95% phiên họp không giấy tờ."],
        ["4", "Bộ Nội vụ", "Đề nghị làm rõ yêu cầu về lưu trữ hồ sơ điện tử.", "Tiếp thu; bổ sung nhiệm vụ số 5 và số 20."],
        ["5", "Bộ Y tế", "Đề nghị điều chỉnh mục tiêu bệnh án điện tử cho phù hợp năng lực của bệnh viện tuyến cơ sở.", "Tiếp thu một phần; giữ mục tiêu chung 80%, giao Bộ Y tế hướng dẫn lộ trình theo tuyến."],
        ["6", "Bộ Giáo dục và Đào tạo", "Đề nghị bổ sung nội dung đào tạo nhân lực bán dẫn.", "Tiếp thu; bổ sung tại nhiệm vụ 8 Mục IV Phần thứ ba."],
        ["7", "Ngân hàng Nhà nước Việt Nam", "Đề nghị bổ sung giải pháp phòng, chống lừa đảo trực tuyến qua tài khoản ngân hàng.", "Tiếp thu; bổ sung giải pháp 4 nhóm nhiệm vụ an toàn thông tin mạng."],
        ["8", "Uỷ ban nhân dân một số tỉnh", "Đề nghị Trung ương hỗ trợ kinh phí cho các tỉnh có điều kiện kinh tế khó khăn.", "Giải trình: kinh phí được bố trí theo phân cấp; ưu tiên nền tảng dùng chung do Trung ương đầu tư để địa phương sử dụng."],
        ["9", "Hiệp hội doanh nghiệp công nghệ số", "Đề nghị sử dụng tiêu chuẩn mở, tránh phụ thuộc một nhà cung cấp.", "Tiếp thu; bổ sung vào Bảng 11 về quản lý rủi ro."],
        ["10", "Chuyên gia độc lập", "Đề nghị quy định rõ sự kiểm soát của con người khi ứng dụng trí tuệ nhân tạo.", "Tiếp thu; bổ sung tại nhiệm vụ 5 nhóm chính phủ số và nhiệm vụ số 19."],
        ["11", "Bộ Khoa học và Công nghệ (cơ quan soạn thảo)", "Rà soát bảo đảm thống nhất số liệu giữa các phần của Đề án.", "Đã rà soát, thống nhất số liệu minh hoạ giữa các bảng."],
    ],
    note="Ghi chú: nội dung góp ý mang tính minh hoạ, không phản ánh ý kiến thực tế của các cơ quan nêu trên.",
)

APPENDICES = [
    ("PHỤ LỤC I", "Bộ chỉ tiêu chuyển đổi số năm 2027",
     "Bộ chỉ tiêu gồm các chỉ tiêu định lượng được sử dụng để theo dõi, đánh giá kết quả thực hiện Đề án. Giá trị ước năm 2026 và mục tiêu năm 2027 là số liệu minh hoạ phục vụ tài liệu mẫu.",
     "chi_tieu_2027"),
    ("PHỤ LỤC II", "Danh mục nhiệm vụ trọng điểm năm 2027",
     "Danh mục dưới đây nêu các nhiệm vụ trọng điểm cần ưu tiên bố trí nguồn lực trong năm 2027, kèm theo cơ quan chủ trì, cơ quan phối hợp và thời hạn hoàn thành dự kiến.",
     "nhiem_vu"),
    ("PHỤ LỤC III", "Thuyết minh các nhiệm vụ trọng điểm năm 2027",
     "Phụ lục này thuyết minh mục tiêu, nội dung chủ yếu, sản phẩm và chỉ số đánh giá của từng nhiệm vụ trọng điểm nêu tại Phụ lục II, làm căn cứ để cơ quan chủ trì xây dựng kế hoạch chi tiết và để cơ quan thường trực theo dõi, đánh giá.",
     render_task_details),
    ("PHỤ LỤC IV", "Kết quả chuyển đổi số theo lĩnh vực ưu tiên",
     "Bảng dưới đây tổng hợp một chỉ số tiêu biểu cho từng lĩnh vực ưu tiên, phục vụ so sánh tiến độ giữa các lĩnh vực.",
     "linh_vuc"),
    ("PHỤ LỤC V", "Tổng hợp, tiếp thu, giải trình ý kiến góp ý",
     "Dự thảo Đề án đã được gửi lấy ý kiến các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ, Uỷ ban nhân dân các tỉnh, thành phố, các hiệp hội và chuyên gia. Cơ quan soạn thảo đã nghiên cứu, tiếp thu và giải trình như sau.",
     "gop_y"),
    ("PHỤ LỤC VI", "Danh mục văn bản dự kiến xây dựng, sửa đổi năm 2027",
     "Để tạo hành lang pháp lý cho việc thực hiện các nhiệm vụ năm 2027, cơ quan soạn thảo đề xuất danh mục văn bản cần xây dựng mới hoặc sửa đổi, bổ sung. Danh mục có thể được điều chỉnh trong quá trình thực hiện theo yêu cầu thực tiễn.",
     "van_ban"),
    ("PHỤ LỤC VII", "Giải thích thuật ngữ",
     "Các thuật ngữ dưới đây được giải thích nhằm thống nhất cách hiểu trong phạm vi Đề án; trường hợp văn bản quy phạm pháp luật có định nghĩa khác thì áp dụng theo văn bản đó.",
     "thuat_ngu"),
]


def build(pdf, render_toc):
    cover(pdf)
    pdf.add_page()
    pdf.insert_toc_placeholder(render_toc, pages=pdf.toc_pages, reset_page_indices=False)
    body = BODY.replace("@international", INTERNATIONAL).replace("@models", MODELS)
    pdf.render(body, TABLES)
    pdf.signature(
        ["Như trên;", "Thủ tướng, các Phó Thủ tướng Chính phủ;",
         "Thành viên Uỷ ban Quốc gia về chuyển đổi số;",
         "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ;",
         "UBND các tỉnh, thành phố trực thuộc trung ương;", "Lưu: VT, CĐS."],
        ["BỘ TRƯỞNG"],
    )
    for code, name, intro, content in APPENDICES:
        pdf.add_page()
        pdf.start_section(f"{code}. {name}", level=0, strict=False)
        pdf.centered(code, "B", 13)
        pdf.centered(name, "B", 12.5)
        pdf.centered("(Kèm theo Đề án chuyển đổi số quốc gia: kết quả và kế hoạch năm 2027)",
                     "I", 11, after=4)
        pdf.para(intro)
        if callable(content):
            content(pdf)
        else:
            pdf.table_block(TABLES[content])
